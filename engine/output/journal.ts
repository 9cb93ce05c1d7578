// The run's journal: one JSON line per event that matters for resuming a rollout whose controller died
// (kill -9, a lost machine): the run's identity, each play and batch as it starts, each host-task
// result, each handler notification. Lines are written as they happen, with one write each, so what
// the kernel has is complete up to the last line; `engine run --resume` reads it (executor/resume.ts).
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { RunEvents, TaskResult } from '../types.ts';

/** What identifies a run: --resume continues only the same playbook with the same selection. */
export interface JournalIdentity {
  playbook: string;
  /** sha256 of the playbook file, so an edited playbook is not resumed blindly. */
  playbookHash: string;
  /** The options that choose hosts and tasks (inventory, --limit, --slice, tags, extra vars), as given. */
  selection: string;
}

/** One line of the journal. */
export type JournalLine =
  | ({ t: 'start'; at: string } & JournalIdentity)
  | { t: 'resume'; at: string }
  | { t: 'play'; index: number; name: string; hosts: string[] }
  | { t: 'batch'; index: number; count: number; hosts: string[] }
  | { t: 'result'; host: string; task: string; status: TaskResult['status']; ignored?: boolean; handler?: boolean }
  | { t: 'notify'; host: string; handlers: string[] }
  | { t: 'end'; at: string; exitCode: number };

/** An open journal: the run's events pass through it; end() closes it. */
export interface Journal {
  events: RunEvents;
  end(exitCode: number): void;
  close(): void;
}

/**
 * Opens `file` (truncated; appended to with `resume`, so a resumed run that dies too can be resumed
 * again) and returns events that write each relevant event to it before passing it on.
 */
export function openJournal(file: string, identity: JournalIdentity, inner: RunEvents, resume = false): Journal {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, resume ? 'a' : 'w', 0o600);
  let open = true;
  const write = (line: JournalLine): void => {
    if (open) writeSync(fd, `${JSON.stringify(line)}\n`);
  };
  write(resume ? { t: 'resume', at: new Date().toISOString() } : { t: 'start', at: new Date().toISOString(), ...identity });
  let plays = 0;
  const events: RunEvents = {
    ...inner,
    playStart(play) {
      write({ t: 'play', index: play.index ?? plays, name: play.name, hosts: play.hosts });
      plays++;
      inner.playStart(play);
    },
    batchStart(batch) {
      write({ t: 'batch', index: batch.index, count: batch.count, hosts: batch.hosts });
      inner.batchStart?.(batch);
    },
    result(r) {
      write({
        t: 'result',
        host: r.host,
        task: r.task,
        status: r.status,
        ...(r.ignored ? { ignored: true } : {}),
        ...(r.handler ? { handler: true } : {}),
      });
      inner.result(r);
    },
    notified(n) {
      write({ t: 'notify', host: n.host, handlers: n.handlers });
      inner.notified?.(n);
    },
  };
  return {
    events,
    end(exitCode) {
      write({ t: 'end', at: new Date().toISOString(), exitCode });
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
