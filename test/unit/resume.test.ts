// executor/resume.ts: what a run journal says is left to do after the controller died.
import { describe, expect, it } from 'vitest';
import { parseJournal, resumePlan } from '../../engine/executor/resume.ts';
import type { JournalIdentity, JournalLine } from '../../engine/output/journal.ts';
import type { Playbook } from '../../engine/types.ts';

const id: JournalIdentity = { playbook: '/p/site.yml', playbookHash: 'abc', selection: 'sel' };
const start: JournalLine = { t: 'start', at: '2026-12-06T18:00:00Z', ...id };
// Two plays; the first has handlers `restart containerd` (also listening to `runtime changed`) and `reload`.
const playbook = {
  plays: [
    { name: 'upgrade', handlers: [{ name: 'restart containerd', listen: ['runtime changed'] }, { name: 'reload' }] },
    { name: 'verify', handlers: [] },
  ],
} as unknown as Playbook;
const r = (host: string, status: 'ok' | 'changed' | 'failed' | 'unreachable', extra: object = {}): JournalLine => ({
  t: 'result',
  host,
  task: 't',
  status,
  ...extra,
});

describe('resume plan', () => {
  it('says a run that ended has nothing to resume', () => {
    expect(
      resumePlan([start, { t: 'play', index: 0, name: 'upgrade', hosts: ['a'] }, { t: 'end', at: 'x', exitCode: 0 }], playbook, id, 'j'),
    ).toBe('finished');
  });

  it('refuses the journal of another playbook, an edited playbook, or other options', () => {
    expect(() => resumePlan([start], playbook, { ...id, playbook: '/p/other.yml' }, 'j')).toThrow(/journal of \/p\/site\.yml/);
    expect(() => resumePlan([start], playbook, { ...id, playbookHash: 'def' }, 'j')).toThrow(/changed since the run/);
    expect(() => resumePlan([start], playbook, { ...id, selection: 'other' }, 'j')).toThrow(/other options/);
  });

  it('skips finished batches, keeps earlier failures (and which failed in this play), re-runs the batch in flight', () => {
    const plan = resumePlan(
      [
        start,
        { t: 'play', index: 0, name: 'upgrade', hosts: ['a', 'b', 'c', 'd', 'e'] },
        { t: 'batch', index: 1, count: 3, hosts: ['a'] },
        r('a', 'changed'),
        { t: 'batch', index: 2, count: 3, hosts: ['b', 'c'] },
        r('b', 'failed'),
        r('c', 'changed'),
      ],
      playbook,
      id,
      'j',
    );
    expect(plan).toMatchObject({ play: 0, batchesDone: 1, failed: new Map([['b', 'failed']]), failedInPlay: new Set(['b']) });
  });

  it('an ignored failure is no failure', () => {
    const plan = resumePlan(
      [start, { t: 'play', index: 0, name: 'upgrade', hosts: ['a'] }, r('a', 'failed', { ignored: true })],
      playbook,
      id,
      'j',
    );
    expect(plan !== 'finished' && plan.failed.size).toBe(0);
  });

  it('notifies again what the batch in flight notified and whose handlers had not run, by name or topic', () => {
    const plan = resumePlan(
      [
        start,
        { t: 'play', index: 0, name: 'upgrade', hosts: ['a', 'b', 'c'] },
        { t: 'batch', index: 1, count: 2, hosts: ['a'] },
        { t: 'notify', host: 'a', handlers: ['reload'] }, // batch 1 finished: its handlers ran
        { t: 'batch', index: 2, count: 2, hosts: ['b', 'c'] },
        { t: 'notify', host: 'b', handlers: ['runtime changed', 'reload'] },
        { t: 'notify', host: 'c', handlers: ['runtime changed'] },
        r('c', 'changed', { task: 'restart containerd', handler: true }),
      ],
      playbook,
      id,
      'j',
    );
    expect(plan !== 'finished' && plan.pending).toEqual({ upgrade: { b: ['runtime changed', 'reload'] } });
  });

  it('knows plays that another play followed are done, and carries failures from them', () => {
    const plan = resumePlan(
      [
        start,
        { t: 'play', index: 0, name: 'upgrade', hosts: ['a', 'b'] },
        r('a', 'unreachable'),
        r('b', 'changed'),
        { t: 'play', index: 1, name: 'verify', hosts: ['b'] },
      ],
      playbook,
      id,
      'j',
    );
    expect(plan).toMatchObject({ play: 1, batchesDone: 0, failed: new Map([['a', 'unreachable']]), failedInPlay: new Set() });
  });

  it('continues after a resumed run that died too (its lines follow a resume line)', () => {
    const plan = resumePlan(
      [
        start,
        { t: 'play', index: 0, name: 'upgrade', hosts: ['a', 'b', 'c'] },
        { t: 'batch', index: 1, count: 3, hosts: ['a'] },
        r('a', 'failed'),
        { t: 'batch', index: 2, count: 3, hosts: ['b'] },
        { t: 'resume', at: 'x' },
        { t: 'play', index: 0, name: 'upgrade', hosts: ['a', 'b', 'c'] },
        { t: 'batch', index: 2, count: 3, hosts: ['b'] },
        r('b', 'changed'),
        { t: 'batch', index: 3, count: 3, hosts: ['c'] },
      ],
      playbook,
      id,
      'j',
    );
    expect(plan).toMatchObject({ play: 0, batchesDone: 2, failed: new Map([['a', 'failed']]) });
  });

  it('leaves out a last line the kill tore, and refuses a damaged line elsewhere with its number', () => {
    const text = `${JSON.stringify(start)}\n${JSON.stringify({ t: 'play', index: 0, name: 'upgrade', hosts: ['a'] })}\n{"t":"resu`;
    expect(parseJournal(text, 'j')).toHaveLength(2);
    expect(() => parseJournal(`${JSON.stringify(start)}\n{oops\n${JSON.stringify(start)}\n`, 'j')).toThrow(/j:2: not a journal line/);
    expect(() => parseJournal('{"t":"play"}\n', 'j')).toThrow(/not a fleetplay run journal/);
  });
});
