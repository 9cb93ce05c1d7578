// The modprobe module's decision, from what probe read: pure.
import type { Decision } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import { splitCommandLine } from '../../engine/shlex.ts';
import type { DiffEntry } from '../../engine/types.ts';
import { requireOneLine } from '../lib/argumentRules.ts';
import { LOAD_DIR, OPTIONS_DIR } from './probe.ts';
import type { ModprobeArgs } from './schema.ts';
import type { ModprobeChange, ModprobeDecision, ModprobeFacts, ModprobeRequest, ModuleStatus } from './types.ts';

/** The module's decision: the request decided on the status, with the task's data. */
export function decideModule(args: ModprobeArgs, facts: ModprobeFacts): Decision<ModprobeChange> {
  if (facts.kind === 'unreadable') return { kind: 'failed', msg: facts.msg };
  if (facts.kind === 'unknown') return { kind: 'unknown', msg: facts.msg };
  const name = args.name;
  const params = args.params?.trim() ?? '';
  const decision = decideModprobe(
    { name, params, state: args.state === 'absent' ? 'absent' : 'present', persistent: args.persistent ?? 'disabled' },
    facts.status,
  );
  const data = { name, params, state: args.state ?? 'present' };
  if (decision.kind !== 'change') return { ...decision, data };
  return {
    kind: 'change',
    msg: decision.msg,
    diff: decision.diff,
    data,
    summary: [{ verb: 'load/persist', object: 'kernel module' }],
    change: { name, decision, status: facts.status },
  };
}

/** Decides what to do for one module. Pure. */
export function decideModprobe(req: ModprobeRequest, s: ModuleStatus): ModprobeDecision {
  const { name } = req;
  // Both end up in lines of /etc/modprobe.d and /etc/modules-load.d; refused before anything is written.
  requireOneLine('name', name, `${LOAD_DIR}/${name}.conf`);
  requireOneLine('params', req.params, `${OPTIONS_DIR}/${name}.conf`);
  const loaded = s.sys || s.proc || s.builtin;
  const builtIn = s.builtin || (s.sys && !s.loadable);
  const diff: DiffEntry[] = [];
  const actions: Array<[plan: string, done: string]> = [];
  const files: Array<{ path: string; text: string; remove: boolean }> = [];
  let command: string | undefined;
  // A kernel without module support (no /proc/modules, as in the lab's containers) cannot load anything:
  // every module it has is built in, and some built-in ones (br_netfilter) have no /sys/module entry.
  const cannotLoad = req.state === 'present' && !loaded && !s.moduleSupport;
  if (req.state === 'present' && !loaded && s.moduleSupport) {
    let params: string[];
    try {
      params = splitCommandLine(req.params);
    } catch (e) {
      return { kind: 'failed', msg: `params: ${(e as Error).message}` };
    }
    command = ['modprobe', '--', name, ...params].map(shellQuote).join(' ');
    const what = `${name}${req.params ? ` ${req.params}` : ''}`;
    actions.push([`load ${what}`, `loaded ${what}`]);
    diff.push({ header: `module ${name}`, before: 'not loaded', after: 'loaded' });
  } else if (req.state === 'absent' && loaded) {
    if (builtIn) return { kind: 'failed', msg: `${name} is built into the kernel and cannot be unloaded` };
    command = `modprobe -r -- ${shellQuote(name)}`;
    actions.push([`unload ${name}`, `unloaded ${name}`]);
    diff.push({ header: `module ${name}`, before: 'loaded', after: 'not loaded' });
  }
  const own = `${LOAD_DIR}/${name}.conf`;
  const optionsFile = `${OPTIONS_DIR}/${name}.conf`;
  if (req.persistent === 'present') {
    if (s.listed.length === 0) files.push({ path: own, text: `${name}\n`, remove: false });
    const wanted = `options ${name} ${req.params}\n`;
    if (req.params && s.options !== wanted) files.push({ path: optionsFile, text: wanted, remove: false });
  } else if (req.persistent === 'absent') {
    const pattern = new RegExp(`^\\s*(${name}|${name.replace(/-/g, '_')})\\s*$`);
    // Only the module's own lines go; a file of ours left with nothing else in it is removed.
    const without = (text: string, drop: RegExp): string =>
      text
        .split('\n')
        .filter((l) => !drop.test(l))
        .join('\n');
    for (const f of s.listed) {
      const rest = without(f.text, pattern);
      files.push({ path: f.path, text: rest, remove: f.path === own && rest.trim() === '' });
    }
    const optionLine = new RegExp(`^\\s*options\\s+${name}(\\s|$)`);
    if (s.options?.split('\n').some((l) => optionLine.test(l))) {
      const rest = without(s.options, optionLine);
      files.push({ path: optionsFile, text: rest, remove: rest.trim() === '' });
    }
  }
  for (const f of files) {
    const before = f.path === optionsFile ? (s.options ?? '') : (s.listed.find((l) => l.path === f.path)?.text ?? '');
    diff.push({ header: f.path, before, after: f.remove ? '' : f.text });
    const [verb, past] = f.remove ? ['remove', 'removed'] : before ? ['update', 'updated'] : ['write', 'wrote'];
    actions.push([`${verb} ${f.path}`, `${past} ${f.path}`]);
  }
  if (actions.length === 0) {
    const where = cannotLoad
      ? 'built in or unavailable: this kernel cannot load modules (no /proc/modules), so nothing was loaded'
      : !loaded
        ? 'not loaded'
        : builtIn
          ? 'loaded (built into the kernel)'
          : 'loaded';
    const boot = req.persistent === 'present' ? `, listed in ${s.listed.map((l) => l.path).join(', ')}` : '';
    return { kind: 'ok', msg: `${name} is ${where}${boot}` };
  }
  return {
    kind: 'change',
    msg: actions.map((a) => a[0]).join('; '),
    done: actions.map((a) => a[1]).join('; '),
    diff,
    files,
    ...(command ? { command } : {}),
  };
}
