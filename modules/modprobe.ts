// modprobe: load or unload a kernel module, and make it load at boot (/etc/modules-load.d/<name>.conf).
//
// A module counts as loaded when /sys/module/<name> exists (loaded, or built into the kernel), when
// /proc/modules lists it, or when modules.builtin names it. Nothing tries to load a module that is
// already there, so hosts without /proc/modules or /lib/modules (containers) work for built-in modules.
// The parameters of a module that is already loaded are not compared (a loaded module keeps its own).
// A kernel without /proc/modules has no loadable-module support: `state: present` is then ok (the module is
// built in or unavailable; nothing can be loaded), and the message says so.
//
// Check mode reads the probe through the predicted state (/sys/module/<name> for a module an earlier task
// loads or unloads, the boot and options files earlier tasks write) and records what a planned change
// leaves: the module loaded or not, and each file with its text.
import { createHash } from 'node:crypto';
import { shellQuote } from '../engine/quote.ts';
import type { DiffEntry, ModuleContext, ModuleDefinition, Plan, PredictedState } from '../engine/types.ts';
import { splitCommandLine } from '../engine/shlex.ts';
import { requireOneLine } from './lib/argumentRules.ts';
import { oneLineSchema } from './lib/schemas.ts';

/** What the probe learned about one kernel module. */
export interface ModuleStatus {
  /** /sys/module/<name> exists. */
  sys: boolean;
  /** /sys/module/<name>/initstate exists: a loadable module (built-in ones have none). */
  loadable: boolean;
  /** /proc/modules lists it. */
  proc: boolean;
  /** /proc/modules exists: the kernel can load modules at all. */
  moduleSupport: boolean;
  /** modules.builtin names it. */
  builtin: boolean;
  /** Files in /etc/modules-load.d that list the module, with their text. */
  listed: Array<{ path: string; text: string }>;
  /** Text of /etc/modprobe.d/<name>.conf, if it exists. */
  options?: string;
  /** Real path (symlinks resolved), mode, owner and group of each existing file above, by path. */
  attrs?: Record<string, FileAttrs>;
}

/** Where a file really is and who owns it. */
export interface FileAttrs {
  real: string;
  mode: string;
  owner: string;
  group: string;
}

const LOAD_DIR = '/etc/modules-load.d';
const OPTIONS_DIR = '/etc/modprobe.d';

/** The modprobe module. */
export const modprobeModule: ModuleDefinition = {
  name: 'modprobe',
  runsOn: 'host',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_-]*$', description: "a kernel module name (letters, digits, _ and -, not starting with '-')" },
      state: { enum: ['present', 'absent'] },
      // Written into /etc/modprobe.d/<name>.conf as one `options` line: a newline would start a line of its own (`install … /bin/sh -c …`).
      params: oneLineSchema,
      persistent: { enum: ['present', 'absent', 'disabled'] },
    },
    required: ['name'],
    additionalProperties: false,
  },
  async plan(args, ctx) {
    const name = String(args.name);
    const params = typeof args.params === 'string' ? args.params.trim() : '';
    // Refused before the host is asked anything (decideModprobe checks again, for its other callers).
    requireOneLine('params', params, `${OPTIONS_DIR}/${name}.conf`);
    const r = await ctx.run(modprobeProbeCommand(name), { readOnly: true });
    if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot inspect module ${name}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
    const probed = parseModprobeProbe(r.stdout);
    const status = ctx.check ? predictModprobe(probed, name, ctx.predicted) : probed;
    if (typeof status === 'string') return { kind: 'unknown', msg: status };
    const decision = decideModprobe({
      name,
      params,
      state: args.state === 'absent' ? 'absent' : 'present',
      persistent: (args.persistent as 'present' | 'absent' | 'disabled' | undefined) ?? 'disabled',
    }, status);
    const data = { name, params, state: args.state ?? 'present' };
    if (decision.kind !== 'change') return { ...decision, data };
    if (ctx.check) recordModprobe(ctx.predicted, name, decision, status);
    return { kind: 'change', msg: decision.msg, diff: decision.diff, data, apply: () => applyModprobe(ctx, name, decision) };
  },
};

/** The read-only probe of one module. */
export function modprobeProbeCommand(name: string): string {
  const sys = name.replace(/-/g, '_');
  return [
    `n=${shellQuote(name)}; s=${shellQuote(sys)}`,
    'if [ -d "/sys/module/$s" ]; then echo @sys; fi',
    'if [ -e "/sys/module/$s/initstate" ]; then echo @loadable; fi',
    'if [ -e /proc/modules ]; then echo @modules; fi',
    'if [ -r /proc/modules ] && grep -q "^$s " /proc/modules; then echo @proc; fi',
    'b="/lib/modules/$(uname -r)/modules.builtin"; if [ -r "$b" ] && grep -qE "/($n|$s)\\.ko" "$b"; then echo @builtin; fi',
    `attrs() { printf '@attrs=%s\\t%s\\n' "$1" "$(r=$(readlink -f -- "$1") && stat -c '%a %U %G %n' -- "$r")"; }`,
    `for f in ${LOAD_DIR}/*.conf; do if [ -f "$f" ] && grep -qxE "[[:space:]]*($n|$s)[[:space:]]*" "$f"; then printf '@listed=%s\\t%s\\n' "$f" "$(base64 -w0 < "$f")"; attrs "$f"; fi; done`,
    `f="${OPTIONS_DIR}/$n.conf"; if [ -f "$f" ]; then printf '@options=%s\\n' "$(base64 -w0 < "$f")"; attrs "$f"; fi`,
    'true',
  ].join('\n');
}

/** Parses the output of modprobeProbeCommand. */
export function parseModprobeProbe(output: string): ModuleStatus {
  const lines = output.split('\n');
  const has = (flag: string): boolean => lines.includes(flag);
  const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
  const listed = lines
    .filter((l) => l.startsWith('@listed='))
    .map((l) => l.slice('@listed='.length).split('\t'))
    .map(([path, b64]) => ({ path: path ?? '', text: decode(b64 ?? '') }));
  const options = lines.find((l) => l.startsWith('@options='));
  const attrs: Record<string, FileAttrs> = {};
  for (const l of lines) {
    // `@attrs=<path>\t<mode> <owner> <group> <real path>` (stat's %a %U %G %n).
    const m = /^@attrs=([^\t]+)\t(\d+) (\S+) (\S+) (\/.*)$/.exec(l);
    if (m) attrs[m[1] as string] = { real: m[5] as string, mode: (m[2] as string).padStart(4, '0'), owner: m[3] as string, group: m[4] as string };
  }
  return {
    sys: has('@sys'),
    loadable: has('@loadable'),
    proc: has('@proc'),
    moduleSupport: has('@modules'),
    builtin: has('@builtin'),
    listed,
    ...(options !== undefined ? { options: decode(options.slice('@options='.length)) } : {}),
    ...(Object.keys(attrs).length ? { attrs } : {}),
  };
}

function listsModule(text: string, name: string): boolean {
  return text.split('\n').some((l) => l.trim() === name || l.trim() === name.replace(/-/g, '_'));
}

/**
 * The probe as the real run would read it after the earlier tasks: the module loaded or unloaded by them
 * (/sys/module/<name>) and the texts they would leave in the boot and options files; a message when an
 * earlier task writes one of those files with text check mode does not know.
 */
export function predictModprobe(s: ModuleStatus, name: string, p: PredictedState): ModuleStatus | string {
  const out: ModuleStatus = { ...s, listed: [] };
  const sys = p.file(`/sys/module/${name.replace(/-/g, '_')}`);
  if (sys?.type === 'directory') Object.assign(out, { sys: true, loadable: true, proc: true });
  if (sys?.type === 'absent') Object.assign(out, { sys: false, loadable: false, proc: false });
  // A file's predicted text: undefined when nothing is predicted, null when it would not exist, and
  // 'unknown' when an earlier task writes it with text check mode does not know.
  const text = (f: string): { text: string | null } | 'unknown' | undefined => {
    const pf = p.file(s.attrs?.[f]?.real ?? f) ?? p.file(f);
    if (pf === undefined) return undefined;
    if (pf.type === 'absent') return { text: null };
    return pf.type === 'file' && pf.content !== undefined ? { text: pf.content } : 'unknown';
  };
  const own = `${LOAD_DIR}/${name}.conf`;
  const optionsFile = `${OPTIONS_DIR}/${name}.conf`;
  const files = [...s.listed.map((l) => l.path), ...(s.listed.some((l) => l.path === own) ? [] : [own]), optionsFile];
  const predicted = new Map(files.map((f) => [f, text(f)]));
  const unknownFile = files.find((f) => predicted.get(f) === 'unknown');
  if (unknownFile) return `an earlier task would write ${unknownFile} with text check mode does not know, so what this task changes is unknown`;
  const known = (f: string) => predicted.get(f) as { text: string | null } | undefined;
  for (const f of files.slice(0, -1)) {
    const t = known(f);
    const host = s.listed.find((l) => l.path === f);
    if (t === undefined) {
      if (host) out.listed.push(host);
    } else if (t.text !== null && listsModule(t.text, name)) out.listed.push({ path: f, text: t.text });
  }
  const options = known(optionsFile);
  if (options?.text === null) delete out.options;
  else if (options) out.options = options.text;
  return out;
}

/** Records what a planned change leaves (check mode): the module loaded or not, and each file written or removed. */
function recordModprobe(p: PredictedState, name: string, d: Extract<ModprobeDecision, { kind: 'change' }>, s: ModuleStatus): void {
  const sys = `/sys/module/${name.replace(/-/g, '_')}`;
  if (d.command?.startsWith('modprobe -r')) p.setFile(sys, { type: 'absent' });
  else if (d.command) p.setFile(sys, { type: 'directory' });
  for (const f of d.files) {
    const at = s.attrs?.[f.path];
    if (f.remove) {
      p.setFile(at?.real ?? f.path, { type: 'absent' });
      continue;
    }
    // The apply rewrites a symlink's target and keeps an existing file's mode and owner; a new one is 0644.
    p.setFile(at?.real ?? f.path, {
      type: 'file',
      content: f.text,
      size: Buffer.byteLength(f.text),
      checksum: createHash('sha256').update(f.text).digest('hex'),
      mode: at?.mode ?? '0644',
      owner: at?.owner ?? 'root',
      group: at?.group ?? 'root',
    });
  }
}

/** What the task asks. */
export interface ModprobeRequest {
  name: string;
  params: string;
  state: 'present' | 'absent';
  persistent: 'present' | 'absent' | 'disabled';
}

/** The decided change: a load/unload command plus whole-file writes ('' text with remove: true deletes). */
export type ModprobeDecision =
  | { kind: 'ok' | 'failed'; msg: string }
  | { kind: 'change'; msg: string; done: string; diff: DiffEntry[]; command?: string; files: Array<{ path: string; text: string; remove: boolean }> };

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
    const without = (text: string, drop: RegExp): string => text.split('\n').filter((l) => !drop.test(l)).join('\n');
    for (const f of s.listed) {
      const rest = without(f.text, pattern);
      files.push({ path: f.path, text: rest, remove: f.path === own && rest.trim() === '' });
    }
    const optionLine = new RegExp(`^\\s*options\\s+${name}(\\s|$)`);
    if (s.options !== undefined && s.options.split('\n').some((l) => optionLine.test(l))) {
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
      : !loaded ? 'not loaded' : builtIn ? 'loaded (built into the kernel)' : 'loaded';
    const boot = req.persistent === 'present' ? `, listed in ${s.listed.map((l) => l.path).join(', ')}` : '';
    return { kind: 'ok', msg: `${name} is ${where}${boot}` };
  }
  return { kind: 'change', msg: actions.map((a) => a[0]).join('; '), done: actions.map((a) => a[1]).join('; '), diff, files, ...(command ? { command } : {}) };
}

async function applyModprobe(ctx: ModuleContext, name: string, d: Extract<ModprobeDecision, { kind: 'change' }>): Promise<{ kind: 'changed' | 'failed'; msg: string }> {
  const r = await ctx.run(modprobeApplyScript(d));
  if (r.exitCode !== 0) return { kind: 'failed', msg: `modprobe ${name}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  return { kind: 'changed', msg: d.done };
}

/**
 * The apply script: the load/unload first (a failure leaves the files untouched), then each file,
 * written to a temp file beside it and renamed (a listed file may be a symlink: its target is rewritten).
 */
export function modprobeApplyScript(d: Extract<ModprobeDecision, { kind: 'change' }>): string {
  const lines = ['set -e', `trap 'rm -f -- "$tmp"' EXIT`, 'tmp='];
  if (d.command) lines.push(d.command);
  for (const f of d.files) {
    const p = shellQuote(f.path);
    if (f.remove) {
      lines.push(`rm -f -- ${p}`);
      continue;
    }
    lines.push(
      `mkdir -p -- "$(dirname -- ${p})"`,
      `f=$(readlink -f -- ${p})`,
      'tmp=$(mktemp -- "$(dirname -- "$f")/.fleetplay.XXXXXX")',
      `printf '%s' ${shellQuote(f.text)} > "$tmp"`,
      'if [ -e "$f" ]; then chmod --reference="$f" -- "$tmp"; chown --reference="$f" -- "$tmp"; else chmod 0644 -- "$tmp"; fi',
      'mv -f -- "$tmp" "$f"',
    );
  }
  return lines.join('\n');
}
