// The ping module (modules/ping/): one read-only command, `ping: <data>`, and `data: crash` fails as in Ansible.
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { pingModule } from '../../../../modules/ping/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

describe('ping', () => {
  it('returns pong, or the data given, after one command the host ran', async () => {
    const ctx = fakeHost({ reply: '' });
    expect(await planModule(pingModule, {}, ctx)).toMatchObject({ kind: 'ok', data: { ping: 'pong' } });
    expect(await planModule(pingModule, { data: 'Hello World' }, ctx)).toMatchObject({ kind: 'ok', data: { ping: 'Hello World' } });
    expect(ctx.commands).toEqual(['true', 'true']);
  });

  it('fails for data: crash, and when the host cannot run the command', async () => {
    expect(await planModule(pingModule, { data: 'crash' }, fakeHost({ reply: '' }))).toMatchObject({ kind: 'failed', msg: 'boom' });
    const broken = fakeHost({ reply: { exitCode: 126, stderr: 'sh: permission denied' } });
    expect(await planModule(pingModule, {}, broken)).toMatchObject({
      kind: 'failed',
      msg: 'the host did not run a command: sh: permission denied',
    });
  });

  it('is ok in check mode too (it changes nothing)', async () => {
    expect(await planModule(pingModule, {}, fakeHost({ check: true, reply: '' }))).toMatchObject({ kind: 'ok' });
  });
});
