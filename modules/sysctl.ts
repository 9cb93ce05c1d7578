// sysctl: keep a kernel parameter in a sysctl file and, with reload (default) or sysctl_set, live in /proc/sys.
//
// One probe reads the live value and the file; the task is changed when the file line or the live value
// differs. Apply sets the live value with `sysctl -w` first (a refused value leaves the file untouched),
// then writes the file atomically. fleetplay's `reload: true` sets only this key (Ansible runs
// `sysctl -p <file>`), and it compares the live value even when the file is already right, so drift is
// corrected. An unknown key (no /proc/sys entry) fails before anything is written, unless both reload
// and sysctl_set are false (the file alone is managed, e.g. for a key that appears once a module loads).
//
// Check mode reads the file and the live value (/proc/sys/<key>) through the predicted state, so the items
// of a loop that write one file see each other's lines, and records the file (with its text) and the live
// value a planned change leaves.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { shellQuote } from '../engine/quote.ts';
import type { DiffEntry, ModuleContext, ModuleDefinition, PredictedState } from '../engine/types.ts';
import { verifyUpload } from './lib/writeFile.ts';
import { ONE_LINE_PATTERN, requireOneLine } from './lib/argumentRules.ts';
import { mkdirPlan, predictDirectories } from './lib/parentDir.ts';
import { oneLineSchema } from './lib/schemas.ts';

/** What the probe read. */
export interface SysctlStatus {
  /** Live value from /proc/sys, or undefined when the key does not exist there. */
  live?: string;
  liveReadable: boolean;
  writable: boolean;
  /** The sysctl file's text, or undefined when it does not exist. */
  file?: string;
  fileIsOther: boolean;
  /** The file does not exist and neither does its directory (the write then runs mkdir -p). */
  parentMissing?: boolean;
  /** The file's real path (symlinks resolved), mode, owner and group, when it exists. */
  real?: { path: string; mode: string; owner: string; group: string };
}

/** The sysctl module. */
export const sysctlModule: ModuleDefinition = {
  name: 'sysctl',
  runsOn: 'host',
  schema: {
    type: 'object',
    properties: {
      // No leading '-': sysctl would read it as an option, and in a sysctl file it means "ignore errors".
      name: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_-]*([./][A-Za-z0-9_:@-]+)*$', description: "a sysctl key such as net.ipv4.ip_forward (not starting with '-')" },
      // `pattern` applies to a string value only: no newline, CR or NUL (one line of the file).
      value: { type: ['string', 'number', 'boolean'], pattern: ONE_LINE_PATTERN, description: 'a number, a boolean or one line of text (no newline, carriage return or NUL)' },
      state: { enum: ['present', 'absent'] },
      sysctl_file: { ...oneLineSchema, minLength: 1 },
      reload: { type: 'boolean' },
      sysctl_set: { type: 'boolean' },
    },
    required: ['name'],
    if: { properties: { state: { const: 'absent' } }, required: ['state'] },
    else: { required: ['value'] },
    additionalProperties: false,
  },
  async plan(args, ctx) {
    const name = String(args.name);
    const file = typeof args.sysctl_file === 'string' ? args.sysctl_file : '/etc/sysctl.conf';
    const present = args.state !== 'absent';
    // Checked before normalizeValue, which would fold a newline into a space and hide it.
    requireOneLine('name', name, file);
    if (typeof args.value === 'string') requireOneLine('value', args.value, file);
    const value = present ? normalizeValue(args.value) : undefined;
    const manageLive = present && (args.reload !== false || args.sysctl_set === true);
    const r = await ctx.run(sysctlProbeCommand(name, file), { readOnly: true });
    if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot read ${name}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
    const probed = parseSysctlProbe(r.stdout);
    const s = ctx.check ? predictSysctl(probed, name, file, ctx.predicted) : probed;
    if (s === 'unknown') {
      return { kind: 'unknown', msg: `an earlier task would write ${file} with text check mode does not know, so what this task changes is unknown` };
    }
    const data = { name, sysctl_file: file, ...(value !== undefined ? { value } : {}), ...(s.live !== undefined ? { live: normalizeValue(s.live) } : {}) };
    if (s.fileIsOther) return { kind: 'failed', msg: `${file} exists and is not a regular file`, data };
    if (manageLive && s.live === undefined) {
      return { kind: 'failed', msg: `unknown sysctl key ${name}: /proc/sys/${keyPath(name)} does not exist on this host; ${file} was not changed`, data };
    }
    if (manageLive && !s.liveReadable) return { kind: 'failed', msg: `cannot read /proc/sys/${keyPath(name)}`, data };
    const before = s.file ?? '';
    const after = present ? setLine(before, name, value ?? '') : removeLines(before, name);
    const fileChanged = after !== before;
    const liveChanged = manageLive && normalizeValue(s.live) !== value;
    if (liveChanged && !s.writable) {
      return { kind: 'failed', msg: `cannot set ${name}: /proc/sys/${keyPath(name)} is read-only on this host`, data };
    }
    if (!fileChanged && !liveChanged) {
      const what = present ? `${name} = ${value} in ${file}${manageLive ? ' and live' : ''}` : `${name} is not in ${file}`;
      return { kind: 'ok', msg: what, data };
    }
    const diff: DiffEntry[] = [];
    const actions: Array<[plan: string, done: string]> = [];
    if (liveChanged) {
      const was = normalizeValue(s.live);
      diff.push({ header: `live value of ${name}`, before: was, after: value ?? '' });
      actions.push([`set ${name} = ${value} live (was ${was})`, `set ${name} = ${value} live (was ${was})`]);
    }
    if (fileChanged) {
      diff.push({ header: file, before, after });
      actions.push(present ? [`write ${name}=${value} to ${file}`, `wrote ${name}=${value} to ${file}`] : [`remove ${name} from ${file}`, `removed ${name} from ${file}`]);
    }
    // A new file's directory is made with mkdir -p, which fails under a file: decided here in both modes
    // (so check mode and the real run agree, also under failed_when); check mode predicts the directories.
    const parentUnsure = s.parentMissing === true || (ctx.check && ctx.predicted.file(path.posix.dirname(file)) !== undefined);
    const mk = fileChanged && s.file === undefined && parentUnsure ? await mkdirPlan(ctx, path.posix.dirname(file)) : { created: [] };
    if (mk.problem) return { kind: 'failed', msg: `sysctl ${name}: ${mk.problem}`, data };
    predictDirectories(ctx, mk.created);
    const change: SysctlChange = { name, value: value ?? '', file, setLive: liveChanged, done: actions.map((a) => a[1]).join('; ') };
    if (fileChanged) change.content = after;
    if (ctx.check) recordSysctl(ctx.predicted, change, s);
    return { kind: 'change', msg: actions.map((a) => a[0]).join('; '), diff, data, apply: () => applySysctl(ctx, change) };
  },
};

/**
 * The probe as the real run would read it after the earlier tasks: the file's predicted text (or absence)
 * and the key's predicted live value; 'unknown' when an earlier task writes the file with unknown text.
 */
export function predictSysctl(s: SysctlStatus, name: string, file: string, p: PredictedState): SysctlStatus | 'unknown' {
  const out: SysctlStatus = { ...s };
  const live = p.file(`/proc/sys/${keyPath(name)}`);
  if (live?.type === 'file' && live.content !== undefined) out.live = live.content;
  const real = s.real?.path ?? file;
  const f = p.file(real) ?? (real !== file ? p.file(file) : undefined);
  if (!f) return out;
  switch (f.type) {
    case 'absent': {
      const { file: _text, real: _real, ...rest } = out;
      return { ...rest, fileIsOther: false };
    }
    case 'directory':
      return { ...out, fileIsOther: true };
    case 'link': {
      const target = p.file(path.posix.resolve(path.posix.dirname(file), f.target));
      if (target?.type === 'file' && target.content !== undefined) return { ...out, file: target.content, fileIsOther: false };
      return 'unknown';
    }
    case 'file':
      if (f.content === undefined) return 'unknown';
      return { ...out, file: f.content, fileIsOther: false, real: { path: real, mode: f.mode ?? s.real?.mode ?? '0644', owner: f.owner ?? s.real?.owner ?? 'root', group: f.group ?? s.real?.group ?? 'root' } };
  }
}

/** Records what a planned change leaves (check mode): the file with its text, and the live value. */
function recordSysctl(p: PredictedState, c: SysctlChange, s: SysctlStatus): void {
  if (c.setLive) p.setFile(`/proc/sys/${keyPath(c.name)}`, { type: 'file', content: `${c.value}\n` });
  if (c.content === undefined) return;
  // The apply rewrites a symlink's target; a new file gets 0644 (root, the become user).
  p.setFile(s.real?.path ?? c.file, {
    type: 'file',
    content: c.content,
    size: Buffer.byteLength(c.content),
    checksum: createHash('sha256').update(c.content).digest('hex'),
    mode: s.real?.mode ?? '0644',
    owner: s.real?.owner ?? 'root',
    group: s.real?.group ?? 'root',
  });
}

/** The /proc/sys path of a key: dots separate, unless the first separator is a slash (then dots are literal). */
export function keyPath(name: string): string {
  const firstSep = name.search(/[./]/);
  if (firstSep < 0 || name[firstSep] === '/') return name;
  return name.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
}

/** A value as the kernel prints it: booleans as 1/0, runs of whitespace as one space. */
export function normalizeValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v ?? '').trim();
  const lower = s.toLowerCase();
  if (['yes', 'on', 'true'].includes(lower)) return '1';
  if (['no', 'off', 'false'].includes(lower)) return '0';
  return s.split(/\s+/).join(' ');
}

/** The key of a sysctl file line, as a /proc/sys path, or undefined for comments and blank lines. */
function lineKey(line: string): { path: string; value: string } | undefined {
  const t = line.trim();
  if (t === '' || t.startsWith('#') || t.startsWith(';')) return undefined;
  const eq = t.indexOf('=');
  if (eq < 0) return undefined;
  const key = t.slice(0, eq).trim().replace(/^-/, '');
  return { path: keyPath(key), value: t.slice(eq + 1).trim() };
}

/** The file text with exactly one `name=value` line for the key (the first one is replaced in place). */
export function setLine(text: string, name: string, value: string): string {
  const path = keyPath(name);
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const matches = lines.map((l, i) => ({ i, k: lineKey(l) })).filter((m) => m.k?.path === path);
  if (matches.length === 1 && normalizeValue(matches[0]!.k!.value) === value) return text;
  const out: string[] = [];
  let placed = false;
  for (const l of lines) {
    if (lineKey(l)?.path !== path) out.push(l);
    else if (!placed) {
      out.push(`${name}=${value}`);
      placed = true;
    }
  }
  if (!placed) out.push(`${name}=${value}`);
  return `${out.join('\n')}\n`;
}

/** The file text without any line for the key. */
export function removeLines(text: string, name: string): string {
  const path = keyPath(name);
  const lines = text.split('\n');
  const kept = lines.filter((l) => lineKey(l)?.path !== path);
  return kept.length === lines.length ? text : kept.join('\n');
}

/** The read-only probe: live value, whether it is writable, and the file. */
export function sysctlProbeCommand(name: string, file: string): string {
  return [
    `p=${shellQuote(`/proc/sys/${keyPath(name)}`)}; f=${shellQuote(file)}`,
    `if [ -f "$p" ]; then if v=$(base64 -w0 < "$p"); then printf '@live=%s\\n' "$v"; fi; if [ -w "$p" ]; then echo @writable; fi; fi`,
    `if [ -f "$f" ]; then printf '@file=%s\\n' "$(base64 -w0 < "$f")"; printf '@real=%s\\n' "$(r=$(readlink -f -- "$f") && stat -c '%a %U %G %n' -- "$r")"; elif [ -e "$f" ]; then echo @other; elif [ ! -d "$(dirname -- "$f")" ]; then echo @noparent; fi`,
    `if [ -e "$p" ]; then echo @exists; fi`,
  ].join('\n');
}

/** Parses the output of sysctlProbeCommand. */
export function parseSysctlProbe(output: string): SysctlStatus {
  const lines = output.split('\n');
  const get = (k: string): string | undefined => {
    const l = lines.find((x) => x.startsWith(`@${k}=`));
    return l === undefined ? undefined : Buffer.from(l.slice(k.length + 2), 'base64').toString('utf8');
  };
  const exists = lines.includes('@exists');
  const live = get('live');
  const file = get('file');
  // `@real=<mode> <owner> <group> <path>` (stat's %a %U %G %n).
  const real = /^@real=(\d+) (\S+) (\S+) (\/.*)$/.exec(lines.find((l) => l.startsWith('@real=')) ?? '');
  return {
    ...(exists ? { live: live ?? '' } : {}),
    liveReadable: live !== undefined,
    writable: lines.includes('@writable'),
    ...(file !== undefined ? { file } : {}),
    fileIsOther: lines.includes('@other'),
    ...(lines.includes('@noparent') ? { parentMissing: true } : {}),
    ...(real ? { real: { path: real[4] as string, mode: (real[1] as string).padStart(4, '0'), owner: real[2] as string, group: real[3] as string } } : {}),
  };
}

/** One decided change: the live value to set and/or the new file text. */
export interface SysctlChange {
  name: string;
  value: string;
  file: string;
  setLive: boolean;
  /** New file text, when the file changes. */
  content?: string;
  /** What the apply did, for the result message. */
  done: string;
}

/**
 * Sets the live value, then writes the file (content on stdin) to a temp file beside it and renames it.
 * A symlinked file (/etc/sysctl.d/99-sysctl.conf → ../sysctl.conf) has its target rewritten; the link stays.
 */
export function sysctlApplyScript(c: SysctlChange): string {
  const lines = ['set -e'];
  if (c.setLive) {
    lines.push(`sysctl -w -- ${shellQuote(`${c.name}=${c.value}`)} >/dev/null`);
    // The kernel may refuse or clamp a value without an error: read it back.
    lines.push(`printf '@live=%s\\n' "$(base64 -w0 < ${shellQuote(`/proc/sys/${keyPath(c.name)}`)})"`);
  }
  if (c.content !== undefined) {
    const f = shellQuote(c.file);
    lines.push(
      `mkdir -p -- "$(dirname -- ${f})"`,
      `f=$(readlink -f -- ${f})`,
      'tmp=$(mktemp -- "$(dirname -- "$f")/.fleetplay.XXXXXX")',
      `trap 'rm -f -- "$tmp"' EXIT`,
      'cat > "$tmp"',
      ...verifyUpload('"$tmp"', c.content),
      'if [ -e "$f" ]; then chmod --reference="$f" -- "$tmp"; chown --reference="$f" -- "$tmp"; else chmod 0644 -- "$tmp"; fi',
      'mv -f -- "$tmp" "$f"',
    );
  }
  return lines.join('\n');
}

async function applySysctl(ctx: ModuleContext, c: SysctlChange): Promise<{ kind: 'changed' | 'failed'; msg: string }> {
  const r = await ctx.run(sysctlApplyScript(c), c.content !== undefined ? { stdin: c.content } : {});
  if (r.exitCode !== 0) return { kind: 'failed', msg: `sysctl ${c.name}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  if (c.setLive) {
    const line = r.stdout.split('\n').find((l) => l.startsWith('@live=')) ?? '@live=';
    const now = normalizeValue(Buffer.from(line.slice('@live='.length), 'base64').toString('utf8'));
    if (now !== c.value) return { kind: 'failed', msg: `sysctl ${c.name}: set to ${c.value}, but the kernel shows ${now}` };
  }
  return { kind: 'changed', msg: c.done };
}
