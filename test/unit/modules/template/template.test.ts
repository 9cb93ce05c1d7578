// template on the module contract: the look ahead takes dest's read without rendering, and a task renders once.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstStage, moduleView, planModule } from '../../../../engine/executor/moduleDriver.ts';
import { templateModule } from '../../../../modules/template/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-template-'));
const src = path.join(dir, 'x.conf.j2');
writeFileSync(src, 'x={{ x }}\n');

/** A host where /etc/x.conf is missing and every other path is a directory; counts renders. */
function host(check = false) {
  let renders = 0;
  const h = fakeHost({
    check,
    reply: (command) => (command.includes('x.conf') ? 'type=absent\n' : 'type=directory\nmode=755\nowner=root\ngroup=root\n'),
    renderFile: (text) => {
      renders++;
      return text.replace('{{ x }}', '1');
    },
  });
  return { h, renders: () => renders };
}

describe('template', () => {
  it("gives a look ahead dest's read as its first stage, without rendering", () => {
    const { h, renders } = host();
    const stage = firstStage(templateModule, { src, dest: '/etc/x.conf' }, moduleView(h));
    expect(stage?.kind).toBe('reads');
    if (stage?.kind === 'reads') expect(stage.reads[0]?.command).toContain('/etc/x.conf');
    expect(renders()).toBe(0);
    expect(h.commands).toEqual([]);
  });

  it('renders once per task, then writes through the atomic writer', async () => {
    const { h, renders } = host();
    const plan = await planModule(templateModule, { src, dest: '/etc/x.conf', mode: '0600' }, h);
    expect(plan).toMatchObject({
      kind: 'change',
      msg: 'create /etc/x.conf (4 bytes)',
      summary: [{ verb: 'write', object: 'file' }],
      diff: [
        { header: '/etc/x.conf', before: '', after: 'x=1\n' },
        { header: 'mode of /etc/x.conf', before: '', after: '0600' },
      ],
    });
    expect(renders()).toBe(1);
    // dest's state, then its directory's.
    expect(h.commands).toHaveLength(2);
    if (plan.kind !== 'change') return;
    expect(await plan.apply()).toMatchObject({ kind: 'changed', msg: 'created /etc/x.conf (4 bytes)' });
    expect(h.commands[2]).toContain('mktemp');
    expect(h.calls[2]?.stdin).toBe('x=1\n');
    expect(renders()).toBe(1);
  });

  it('predicts the rendered file in check mode', async () => {
    const { h } = host(true);
    const plan = await planModule(templateModule, { src, dest: '/etc/x.conf' }, h);
    expect(plan.kind).toBe('change');
    expect(h.predicted.file('/etc/x.conf')).toMatchObject({ type: 'file', content: 'x=1\n', mode: '0644', owner: 'root', size: 4 });
  });

  it('refuses invalid JSON (format: json) without writing', async () => {
    const bad = path.join(dir, 'bad.json.j2');
    writeFileSync(bad, '{"a": {{ x }},}');
    const { h } = host();
    const plan = await planModule(templateModule, { src: bad, dest: '/etc/x.conf', format: 'json' }, h);
    expect(plan).toMatchObject({ kind: 'failed', msg: expect.stringMatching(/^the content for \/etc\/x.conf is not valid JSON/) });
    expect(h.commands).toHaveLength(1);
  });
});
