// The journal and --resume of `engine run`: where the journal lives, what identifies a run, and the
// plan for continuing one whose controller died (executor/resume.ts).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BLOCKED_KEYS } from '../blockedKeys.ts';
import { FleetError } from '../errors.ts';
import { parseJournal, resumePlan, type ResumePlan } from '../executor/resume.ts';
import type { JournalIdentity } from '../output/journal.ts';
import type { Playbook } from '../types.ts';

/** The journal beside the retry file: PLAYBOOK[.slice-I-of-N].journal.jsonl. */
export function journalFileFor(retryFile: string): string {
  return `${retryFile.replace(/\.retry$/, '')}.journal.jsonl`;
}

/**
 * What identifies a run: the playbook, its content, and a digest of the options that choose hosts and
 * tasks (the digest only: extra vars may hold secrets, and the journal is not the place for them).
 */
export function runIdentity(playbookFile: string, selection: unknown): JournalIdentity {
  const file = path.resolve(playbookFile);
  return {
    playbook: file,
    playbookHash: createHash('sha256').update(readFileSync(file)).digest('hex'),
    selection: createHash('sha256').update(JSON.stringify(selection)).digest('hex').slice(0, 16),
  };
}

/** The plan for --resume from `journalFile`, or 'finished' when its run ended; refuses a journal of another run. */
export function loadResume(journalFile: string, playbook: Playbook, identity: JournalIdentity): ResumePlan | 'finished' {
  if (!existsSync(journalFile))
    throw new FleetError(
      'arguments',
      `--resume: no journal at ${journalFile}: this playbook has no run to resume (give --retry-file as the run did)`,
    );
  const lines = parseJournal(readFileSync(journalFile, 'utf8'), journalFile);
  return resumePlan(lines, playbook, identity, journalFile);
}

/** Pending handlers of the pending file and of the resumed batch, together. */
export function mergePending(a: ResumePlan['pending'], b: ResumePlan['pending']): ResumePlan['pending'] {
  const out: ResumePlan['pending'] = {};
  for (const source of [a, b])
    for (const [play, hosts] of Object.entries(source))
      for (const [host, names] of Object.entries(hosts)) {
        // Names from files: a play or host called __proto__ must not reach the prototype.
        if (BLOCKED_KEYS.has(play) || BLOCKED_KEYS.has(host)) continue;
        const byHost = (out[play] ??= {});
        byHost[host] = [...new Set([...(byHost[host] ?? []), ...names])];
      }
  return out;
}
