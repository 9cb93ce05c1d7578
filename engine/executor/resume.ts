// --resume: what a journal (output/journal.ts) of a run whose controller died says is left to do.
// Plays that another play followed are done; in the play that was running, the batches before the last
// one started are done (handlers flush at the end of each batch), and the last batch runs again: its
// hosts are re-checked from their current state, which idempotent tasks make safe. Hosts that failed
// stay failed (they count against the batch's failure budget and run nothing more), and handlers their
// batch notified but had not run yet are notified again, so each still runs once.
import { BLOCKED_KEYS } from '../blockedKeys.ts';
import { FleetError } from '../errors.ts';
import type { JournalIdentity, JournalLine } from '../output/journal.ts';
import type { Playbook, TaskStatus } from '../types.ts';
import type { PendingHandlers } from './pendingHandlers.ts';

/** What the resumed run skips and carries over. */
export interface ResumePlan {
  /** The play (index) the controller died in; earlier plays are not run again. */
  play: number;
  /** Batches (1-based) of that play already finished: not run again. */
  batchesDone: number;
  /** Hosts that failed or were unreachable before: they run nothing more, and count in their batch's budget. */
  failed: Map<string, 'failed' | 'unreachable'>;
  /** Of those, the ones that failed in the play the controller died in: still part of its batches. */
  failedInPlay: Set<string>;
  /** Notifications of the interrupted batch whose handlers had not run, keyed as the pending-handlers file is. */
  pending: PendingHandlers;
  /** Results before the controller died, per host (for the recap). */
  prior: Array<{ host: string; status: TaskStatus; ignored?: boolean }>;
}

/** Parses a journal's text; a torn last line (the write the kill interrupted) is left out. */
export function parseJournal(text: string, file: string): JournalLine[] {
  const lines = text.split('\n');
  const out: JournalLine[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as JournalLine);
    } catch {
      if (i >= lines.length - 2) break;
      throw new FleetError('arguments', `${file}:${i + 1}: not a journal line`);
    }
  }
  if (out[0]?.t !== 'start') throw new FleetError('arguments', `${file}: not a fleetplay run journal (no start line)`);
  return out;
}

/**
 * The plan for resuming the run `lines` record, or `finished` when that run ended. Refuses a journal of
 * another playbook, an edited playbook, or another selection of hosts and tasks.
 */
export function resumePlan(lines: JournalLine[], playbook: Playbook, identity: JournalIdentity, file: string): ResumePlan | 'finished' {
  const start = lines[0] as Extract<JournalLine, { t: 'start' }>;
  if (start.playbook !== identity.playbook)
    throw new FleetError('arguments', `--resume: ${file} is the journal of ${start.playbook}, not of ${identity.playbook}`);
  if (start.playbookHash !== identity.playbookHash)
    throw new FleetError('arguments', `--resume: ${identity.playbook} changed since the run in ${file} started; run it without --resume`);
  if (start.selection !== identity.selection)
    throw new FleetError(
      'arguments',
      `--resume: the run in ${file} chose its hosts and tasks with other options (${start.selection || 'none'}); give the same ones`,
    );
  if (lines.some((l) => l.t === 'end')) return 'finished';
  let play = 0;
  let playName = '';
  let batch = 0;
  let batchHosts: string[] = [];
  const failed = new Map<string, 'failed' | 'unreachable'>();
  const failedIn = new Map<string, number>();
  const prior: ResumePlan['prior'] = [];
  // Per host: notifications and handlers run since its current batch started.
  let notified = new Map<string, string[]>();
  let ran = new Map<string, Set<string>>();
  for (const l of lines) {
    if (l.t === 'play' || l.t === 'batch') {
      if (l.t === 'play') [play, playName, batch] = [l.index, l.name, 0];
      else batch = l.index;
      batchHosts = l.hosts;
      notified = new Map();
      ran = new Map();
    } else if (l.t === 'result') {
      prior.push({ host: l.host, status: l.status, ...(l.ignored ? { ignored: true } : {}) });
      if (((l.status === 'failed' && !l.ignored) || l.status === 'unreachable') && !failed.has(l.host)) {
        failed.set(l.host, l.status);
        failedIn.set(l.host, play);
      }
      if (l.handler && l.status !== 'failed') ran.set(l.host, (ran.get(l.host) ?? new Set()).add(l.task));
    } else if (l.t === 'notify') {
      notified.set(l.host, [...(notified.get(l.host) ?? []), ...l.handlers]);
    }
  }
  const handlers = playbook.plays[play]?.handlers ?? [];
  const pending: PendingHandlers = {};
  for (const host of batchHosts) {
    if (failed.has(host)) continue;
    const done = ran.get(host) ?? new Set<string>();
    // A notification is settled once every handler that answers it (by name or listen topic) has run.
    const left = [...new Set(notified.get(host) ?? [])].filter((n) => {
      const answering = handlers.filter((h) => h.name === n || (h.listen ?? []).includes(n));
      return answering.length === 0 || answering.some((h) => !done.has(h.name ?? ''));
    });
    if (left.length && !BLOCKED_KEYS.has(playName) && !BLOCKED_KEYS.has(host)) {
      pending[playName] ??= {};
      pending[playName]![host] = left;
    }
  }
  const failedInPlay = new Set([...failedIn].filter(([, p]) => p === play).map(([h]) => h));
  return { play, batchesDone: Math.max(0, batch - 1), failed, failedInPlay, pending, prior };
}
