// The sysctl module's decision, from what probe read: pure.
import type { Decision } from '../../engine/module.ts';
import type { DiffEntry, ResultData } from '../../engine/types.ts';
import type { SysctlArgs } from './schema.ts';
import { flag, keyPath, normalizeValue, removeLines, setLine } from './text.ts';
import type { OtherKey, SysctlFacts, SysctlPlanned, SysctlStatus } from './types.ts';

type SysctlDecision = Decision<SysctlPlanned>;

/** What the task would do to the file and the live value, or the verdict that ends it first. */
export type Assessment =
  | { kind: 'done'; decision: SysctlDecision }
  | {
      kind: 'change';
      name: string;
      file: string;
      present: boolean;
      value?: string;
      data: ResultData;
      before: string;
      after: string;
      fileChanged: boolean;
      liveChanged: boolean;
      /** Said after the change's message: an unknown key that ignoreerrors let pass. */
      note: string;
      /** Ansible's reload: `sysctl -p <file>` after a change (ignoreErrors: with -e). */
      reload?: { ignoreErrors: boolean };
    };

/** Judges the status against the arguments (probe asks it too: a new file's directory is read only then). */
export function assess(args: SysctlArgs, s: SysctlStatus): Assessment {
  const name = args.name;
  const file = args.sysctl_file ?? '/etc/sysctl.conf';
  const present = args.state !== 'absent';
  const value = present ? normalizeValue(args.value) : undefined;
  const wantsLive = present && (flag(args.reload, true) || flag(args.sysctl_set, false));
  // ignoreerrors: Ansible runs sysctl -e, which skips a key without a /proc/sys entry; the file is still written.
  const unknownIgnored = wantsLive && s.live === undefined && flag(args.ignoreerrors, false);
  const manageLive = wantsLive && !unknownIgnored;
  const done = (decision: SysctlDecision): Assessment => ({ kind: 'done', decision });
  const data = {
    name,
    sysctl_file: file,
    ...(value !== undefined ? { value } : {}),
    ...(s.live !== undefined ? { live: normalizeValue(s.live) } : {}),
  };
  const ignoredNote = unknownIgnored ? ` (unknown key ${name} ignored: ignoreerrors)` : '';
  if (s.fileIsOther) return done({ kind: 'failed', msg: `${file} exists and is not a regular file`, data });
  if (manageLive && s.live === undefined) {
    return done({
      kind: 'failed',
      msg: `unknown sysctl key ${name}: /proc/sys/${keyPath(name)} does not exist on this host; ${file} was not changed`,
      data,
    });
  }
  if (manageLive && !s.liveReadable) return done({ kind: 'failed', msg: `cannot read /proc/sys/${keyPath(name)}`, data });
  const before = s.file ?? '';
  const after = present ? setLine(before, name, value ?? '') : removeLines(before, name);
  const fileChanged = after !== before;
  const liveChanged = manageLive && normalizeValue(s.live) !== value;
  if (liveChanged && !s.writable) {
    return done({ kind: 'failed', msg: `cannot set ${name}: /proc/sys/${keyPath(name)} is read-only on this host`, data });
  }
  if (!fileChanged && !liveChanged) {
    const what = present ? `${name} = ${value} in ${file}${manageLive ? ' and live' : ''}${ignoredNote}` : `${name} is not in ${file}`;
    return done({ kind: 'ok', msg: what, data });
  }
  return {
    kind: 'change',
    name,
    file,
    present,
    ...(value !== undefined ? { value } : {}),
    data,
    before,
    after,
    fileChanged,
    liveChanged,
    note: ignoredNote,
    ...(flag(args.reload, true) ? { reload: { ignoreErrors: flag(args.ignoreerrors, false) } } : {}),
  };
}

export function decideSysctl(args: SysctlArgs, facts: SysctlFacts): SysctlDecision {
  if (facts.kind === 'unreadable') return { kind: 'failed', msg: facts.msg };
  if (facts.kind === 'unknown') {
    const file = args.sysctl_file ?? '/etc/sysctl.conf';
    return {
      kind: 'unknown',
      msg: `an earlier task would write ${file} with text check mode does not know, so what this task changes is unknown`,
    };
  }
  const s = facts.status;
  const a = assess(args, s);
  if (a.kind === 'done') return a.decision;
  const { name, file, present, value, data, before, after, fileChanged, liveChanged, note, reload } = a;
  const reloadPlan = reload ? planReload(file, keyPath(name), reload.ignoreErrors, facts.others ?? []) : undefined;
  if (reloadPlan && 'problem' in reloadPlan) return { kind: 'failed', msg: reloadPlan.problem, data };
  const diff: DiffEntry[] = [];
  const actions: Array<[plan: string, done: string]> = [];
  if (liveChanged) {
    const was = normalizeValue(s.live);
    diff.push({ header: `live value of ${name}`, before: was, after: value ?? '' });
    actions.push([`set ${name} = ${value} live (was ${was})`, `set ${name} = ${value} live (was ${was})`]);
  }
  if (fileChanged) {
    diff.push({ header: file, before, after });
    actions.push(
      present
        ? [`write ${name}=${value} to ${file}${note}`, `wrote ${name}=${value} to ${file}${note}`]
        : [`remove ${name} from ${file}`, `removed ${name} from ${file}`],
    );
  }
  if (reloadPlan) {
    diff.push(...reloadPlan.diff);
    actions.push([`reload ${file}`, `reloaded ${file}`]);
  }
  const mk = facts.mkdir ?? { created: [] };
  if (mk.problem) return { kind: 'failed', msg: `sysctl ${name}: ${mk.problem}`, data };
  const change = {
    name,
    value: value ?? '',
    file,
    setLive: liveChanged,
    done: actions.map((x) => x[1]).join('; '),
    ...(fileChanged ? { content: after } : {}),
    ...(reload ? { reload } : {}),
  };
  return {
    kind: 'change',
    msg: actions.map((x) => x[0]).join('; '),
    diff,
    data,
    summary: [{ verb: 'set', object: 'sysctl' }],
    change: {
      change,
      created: mk.created,
      ...(s.real ? { real: s.real } : {}),
      ...(reloadPlan ? { reloaded: reloadPlan.reloaded } : {}),
    },
  };
}

/**
 * What `sysctl -p <file>` does to the file's keys: the live values it sets, or why Ansible's reload fails
 * (a key the kernel lacks, unless -e; a read-only key, whose "setting key" error -e does not hide; procps
 * 4.0 reports both for a line starting with '-' too). Decided before anything is written; Ansible writes
 * the file first and then fails. `own` is the task's key, whose live change has its own diff entry.
 */
function planReload(
  file: string,
  own: string,
  ignoreErrors: boolean,
  others: readonly OtherKey[],
): { problem: string } | { diff: DiffEntry[]; reloaded: Array<[string, string]> } {
  const unknown = others.filter((o) => !o.exists && !ignoreErrors).map((o) => o.key.name);
  const readOnly = others.filter((o) => o.exists && !o.writable).map((o) => o.key.name);
  if (unknown.length > 0 || readOnly.length > 0) {
    const why = [
      ...(unknown.length ? [`unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (ignoreerrors: true skips them)`] : []),
      ...(readOnly.length ? [`read-only ${readOnly.join(', ')}`] : []),
    ];
    return { problem: `Failed to reload sysctl: sysctl -p ${file} would fail on ${why.join('; ')}; ${file} was not changed` };
  }
  const set = others.filter((o) => o.exists && o.writable);
  const diff = set
    .filter((o) => o.key.path !== own && normalizeValue(o.live) !== o.key.value)
    .map((o) => ({ header: `live value of ${o.key.name} (reloaded from ${file})`, before: normalizeValue(o.live), after: o.key.value }));
  return { diff, reloaded: set.map((o) => [`/proc/sys/${o.key.path}`, o.key.value]) };
}
