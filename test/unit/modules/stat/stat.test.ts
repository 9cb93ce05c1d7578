// stat on the module contract: one read, the result in Ansible's shape.
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { statModule } from '../../../../modules/stat/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

describe('stat', () => {
  it('reports a missing path', async () => {
    const h = fakeHost({ reply: 'type=absent\n' });
    expect(await planModule(statModule, { path: '/etc/x' }, h)).toEqual({
      kind: 'ok',
      msg: '/etc/x does not exist',
      data: { stat: { exists: false, path: '/etc/x' } },
    });
    expect(h.commands).toHaveLength(1);
    expect(h.commands[0]).toContain('sha1sum');
  });

  it('reports a file with its checksum, and a link with its target', async () => {
    const h = fakeHost({ reply: 'type=file\nmode=640\nowner=root\ngroup=adm\nsize=3\nchecksum=abc\n' });
    expect(await planModule(statModule, { path: '/etc/x', checksum_algorithm: 'sha256' }, h)).toMatchObject({
      kind: 'ok',
      msg: '/etc/x is a file',
      data: {
        stat: {
          exists: true,
          isreg: true,
          isdir: false,
          islnk: false,
          mode: '0640',
          pw_name: 'root',
          gr_name: 'adm',
          size: 3,
          checksum: 'abc',
        },
      },
    });
    expect(h.commands[0]).toContain('sha256sum');
    const l = fakeHost({ reply: 'type=link\ntarget=/x\nowner=root\ngroup=root\n' });
    expect(await planModule(statModule, { path: '/etc/l', get_checksum: false }, l)).toMatchObject({
      data: { stat: { islnk: true, lnk_target: '/x' } },
    });
    expect(l.commands[0]).not.toContain('sum');
  });
});
