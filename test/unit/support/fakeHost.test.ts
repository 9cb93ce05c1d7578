// The shared fake host of the module unit tests: how it answers, what it records, and what it shares.
import { describe, expect, it } from 'vitest';
import { createPredictedState } from '../../../engine/executor/predicted.ts';
import { fakeHost, runLocally } from '../../support/fakeHost.ts';

describe('fakeHost', () => {
  it('answers with the first canned answer that fits (substring, pattern, predicate), else the default', async () => {
    const h = fakeHost({
      answers: [
        ['dpkg-query', 'by substring'],
        [/^u=/, { stdout: 'by pattern', exitCode: 3 }],
        [(c) => c.endsWith('!'), { stderr: 'by predicate' }],
        ['dpkg', 'never: the first fit wins'],
      ],
      reply: 'default',
    });
    expect(await h.run('dpkg-query -W')).toEqual({ exitCode: 0, stdout: 'by substring', stderr: '', durationMs: 1, timedOut: false });
    expect(await h.run('u=x systemctl show')).toMatchObject({ exitCode: 3, stdout: 'by pattern' });
    expect(await h.run('stop!')).toMatchObject({ exitCode: 0, stdout: '', stderr: 'by predicate' });
    expect((await h.run('true')).stdout).toBe('default');
    expect(h.commands).toEqual(['dpkg-query -W', 'u=x systemctl show', 'stop!', 'true']);
  });

  it('is a quick empty success by default, not in check mode, with no variables', async () => {
    const h = fakeHost();
    expect(await h.run('anything')).toEqual({ exitCode: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false });
    expect(h).toMatchObject({ host: 'h', check: false, vars: {} });
    expect(h.renderFile('{{ x }}', 'f.j2')).toBe('{{ x }}');
    expect(h.resolveLocalPath('a.conf', 'files')).toBe('a.conf');
  });

  it('gives a responder the call index, and records stdin only when one is sent', async () => {
    const h = fakeHost({ name: 'n1', check: true, reply: (command, { index }) => `${index}:${command}` });
    expect((await h.run('a')).stdout).toBe('0:a');
    expect((await h.run('b', { stdin: Buffer.from([1, 2]) })).stdout).toBe('1:b');
    expect(h.calls).toEqual([{ command: 'a' }, { command: 'b', stdin: Buffer.from([1, 2]) }]);
    expect(h).toMatchObject({ host: 'n1', check: true });
  });

  it('shares a predicted state passed in, and makes a fresh one otherwise', () => {
    const predicted = createPredictedState();
    const a = fakeHost({ predicted });
    const b = fakeHost({ predicted });
    a.predicted.setFile('/etc/x', { type: 'absent' });
    expect(b.predicted.file('/etc/x')).toEqual({ type: 'absent' });
    expect(fakeHost().predicted.file('/etc/x')).toBeUndefined();
  });

  it('runs commands for real with runLocally, stdin included', async () => {
    const h = fakeHost({ reply: runLocally });
    expect(await h.run('cat; exit 4', { stdin: 'hello' })).toMatchObject({ exitCode: 4, stdout: 'hello' });
  });
});
