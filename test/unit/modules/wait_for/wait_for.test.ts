// wait_for on the contract (#14): the loop is the probe's read behind a controller-side stage, so a look
// ahead never sends it early; check mode looks once, or not at all when the prediction settles it.
import { describe, expect, it } from 'vitest';
import { firstStage, moduleView, planModule } from '../../../../engine/executor/moduleDriver.ts';
import { waitForModule } from '../../../../modules/wait_for/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

describe('wait_for', () => {
  it('starts with a controller-side stage: the look ahead does not take its loop', () => {
    expect(firstStage(waitForModule, { path: '/x' }, moduleView(fakeHost()))).toMatchObject({ kind: 'local' });
  });

  it('waits in one remote loop and reports the time it took', async () => {
    const h = fakeHost({ reply: { stdout: 'elapsed=2\n' } });
    expect(await planModule(waitForModule, { port: 8080, timeout: 30, delay: 1 }, h)).toEqual({
      kind: 'ok',
      msg: '127.0.0.1:8080 to be open: after 2s',
      data: { elapsed: 2, state: 'started' },
    });
    expect(h.commands).toHaveLength(1);
    expect(h.commands[0]).toMatch(/^bash -c 'sleep 1\nstart=\$\(date \+%s\); end=\$\(\(start \+ 30\)\)/);
  });

  it('fails after its timeout, with msg when given', async () => {
    const h = fakeHost({ reply: { stdout: '', exitCode: 3 } });
    expect(await planModule(waitForModule, { path: '/x', timeout: 5 }, h)).toMatchObject({
      kind: 'failed',
      msg: 'timeout after 5s waiting for /x to be present',
      data: { elapsed: 5 },
    });
    expect(await planModule(waitForModule, { path: '/x', timeout: 5, msg: 'no x' }, h)).toMatchObject({ kind: 'failed', msg: 'no x' });
  });

  it('check mode looks once without waiting or delay, and a predicted path settles it without a read', async () => {
    const h = fakeHost({ check: true, reply: { stdout: '', exitCode: 3 } });
    expect(await planModule(waitForModule, { path: '/x', delay: 9 }, h)).toMatchObject({
      kind: 'unknown',
      msg: expect.stringMatching(/^would wait up to 300s for \/x to be present/),
    });
    expect(h.commands[0]).toMatch(/^bash -c 'sleep 0\nstart=\$\(date \+%s\); end=\$\(\(start \+ 0\)\)/);
    h.predicted.setFile('/x', { type: 'file' });
    expect(await planModule(waitForModule, { path: '/x' }, h)).toEqual({ kind: 'ok', msg: '/x to be present: it would be' });
    expect(firstStage(waitForModule, { path: '/x' }, moduleView(h))).toBeUndefined();
    expect(h.commands).toHaveLength(1);
  });
});
