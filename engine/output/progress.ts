// Live progress on a terminal: a status area of two lines kept at the bottom, under the per-host lines
// that scroll above it: the play, batch and task, how many hosts are done, running, failed and
// unreachable, the elapsed time, and the host the run waits on longest with what it is doing. It wraps
// the console's events; nothing here changes what is printed above the area, and without a terminal the
// console is used alone (CI logs stay plain lines).
import type { RunEvents, TaskResult } from '../types.ts';

/** What the status area shows, kept up to date from the run's events. */
export interface ProgressState {
  startedAt: number;
  play?: string;
  batch?: { index: number; count: number };
  task?: string;
  taskStartedAt: number;
  /** The hosts of the current play (or batch), in inventory order. */
  hosts: string[];
  failed: Set<string>;
  unreachable: Set<string>;
  /** Hosts that have reported on the current task. */
  reported: Set<string>;
}

/** Where the area is drawn, and how often it is redrawn while nothing happens. */
export interface ProgressOptions {
  /** Writes text (host and task names among it): the caller makes it printable. */
  write(text: string): void;
  /** Writes the area's own cursor movements, unfiltered (only constant sequences pass here). */
  control(sequence: string): void;
  /** Terminal width in columns (lines are cut to it, so the area never wraps). */
  columns(): number;
  now?: () => number;
  refreshMs?: number;
}

/** A fresh state for a run that starts now. */
export function newProgressState(now: number): ProgressState {
  return { startedAt: now, taskStartedAt: now, hosts: [], failed: new Set(), unreachable: new Set(), reported: new Set() };
}

/** m:ss (or h:mm:ss) of a duration. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** The two lines of the status area, for the state at `now`, each at most `columns` wide. */
export function statusLines(state: ProgressState, now: number, columns: number): string[] {
  const out = state.hosts.filter((h) => state.failed.has(h) || state.unreachable.has(h));
  const active = state.hosts.filter((h) => !out.includes(h));
  const running = active.filter((h) => !state.reported.has(h));
  const done = active.length - running.length;
  const where = [
    state.play ? `PLAY [${state.play}]` : 'starting',
    ...(state.batch ? [`batch ${state.batch.index}/${state.batch.count}`] : []),
    ...(state.task ? [`TASK [${state.task}]`] : []),
  ].join(' · ');
  const counts = `${done} done · ${running.length} running · ${state.failed.size} failed · ${state.unreachable.size} unreachable`;
  const waiting = running.length
    ? ` · waiting on ${running[0]} for ${((now - state.taskStartedAt) / 1000).toFixed(1)} s${state.task ? ` (${state.task})` : ''}${running.length > 1 ? ` and ${running.length - 1} more` : ''}`
    : '';
  const cut = (s: string) => (s.length > columns - 1 ? `${s.slice(0, Math.max(0, columns - 2))}…` : s);
  return [cut(`── ${where} ── ${clock(now - state.startedAt)}`), cut(`   ${counts}${waiting}`)];
}

/**
 * Wraps `inner` (the console's events, which write through `opts.write` too) so that the status area is
 * erased before each block of output and drawn again after it. `stop()` erases it for good.
 */
export function withProgress(inner: RunEvents, opts: ProgressOptions): { events: RunEvents; stop(): void } {
  const now = opts.now ?? Date.now;
  const state = newProgressState(now());
  let drawn = 0;
  let stopped = false;
  const erase = () => {
    // Up to the area's first line, then clear to the end of the screen.
    if (drawn) opts.control(`\r\x1b[${drawn}A\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    if (stopped) return;
    const lines = statusLines(state, now(), Math.max(20, opts.columns()));
    opts.write(`\x1b[2m${lines.join('\n')}\x1b[22m\n`);
    drawn = lines.length;
  };
  const around = (f: () => void) => {
    erase();
    f();
    draw();
  };
  const timer = setInterval(() => around(() => undefined), opts.refreshMs ?? 250);
  timer.unref();
  const events: RunEvents = {
    playStart(play) {
      state.play = play.name;
      state.hosts = play.hosts;
      delete state.batch;
      delete state.task;
      state.reported.clear();
      around(() => inner.playStart(play));
    },
    batchStart(batch) {
      state.batch = { index: batch.index, count: batch.count };
      state.hosts = batch.hosts;
      around(() => inner.batchStart?.(batch));
    },
    notice(text) {
      around(() => inner.notice?.(text));
    },
    taskStart(task) {
      state.task = task.title;
      state.taskStartedAt = now();
      state.reported.clear();
      around(() => inner.taskStart(task));
    },
    result(r: TaskResult) {
      state.reported.add(r.host);
      if (r.status === 'unreachable') state.unreachable.add(r.host);
      else if (r.status === 'failed' && !r.ignored) state.failed.add(r.host);
      around(() => inner.result(r));
    },
    detail(d) {
      around(() => inner.detail?.(d));
    },
  };
  return {
    events,
    stop() {
      clearInterval(timer);
      erase();
      stopped = true;
    },
  };
}
