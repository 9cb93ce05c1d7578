// What the sysctl module reads: the live value and the file in one command, read through check mode's
// prediction; then, for a new file whose directory may be missing, what mkdir -p would create.
import path from 'node:path';
import { read, type ModuleView, type PredictedView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import { requireOneLine } from '../lib/argumentRules.ts';
import { probeMkdir } from '../lib/parentDir.ts';
import { assess } from './decide.ts';
import type { SysctlArgs } from './schema.ts';
import { fileKeys, keyPath, type FileKey } from './text.ts';
import type { OtherKey, SysctlFacts, SysctlStatus } from './types.ts';

/** The probe: arguments judged first, then the read, then (a new file) its parent directories. */
export function* probeSysctl(args: SysctlArgs, view: ModuleView): Probe<SysctlFacts> {
  const name = args.name;
  const file = args.sysctl_file ?? '/etc/sysctl.conf';
  // Checked before normalizeValue, which would fold a newline into a space and hide it.
  requireOneLine('name', name, file);
  if (typeof args.value === 'string') requireOneLine('value', args.value, file);
  const r = yield* read({ command: sysctlProbeCommand(name, file) });
  if (r.exitCode !== 0) return { kind: 'unreadable', msg: `cannot read ${name}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  const probed = parseSysctlProbe(r.stdout);
  const s = view.check ? predictSysctl(probed, name, file, view.predicted) : probed;
  if (s === 'unknown') return { kind: 'unknown' };
  // A new file's directory is made with mkdir -p, which fails under a file: decided in both modes (so
  // check mode and the real run agree, also under failed_when); check mode predicts the directories.
  const a = assess(args, s);
  if (a.kind !== 'change') return { kind: 'status', status: s };
  const dir = path.posix.dirname(file);
  const parentUnsure = s.parentMissing === true || (view.check && view.predicted.file(dir) !== undefined);
  const mkdir = a.fileChanged && s.file === undefined && parentUnsure ? yield* probeMkdir(view, dir) : undefined;
  // reload runs `sysctl -p <file>`: the file's keys are read too, so decide knows what it sets and whether it fails.
  // The task's own key was read above; the others in one more read.
  const own = keyPath(name);
  const keys = fileKeys(a.after);
  const others = a.reload
    ? yield* probeOtherKeys(
        view,
        keys.filter((k) => k.path !== own),
      )
    : undefined;
  const ownKey = keys.find((k) => k.path === own);
  if (others && ownKey)
    others.push({ key: ownKey, exists: s.live !== undefined, writable: s.writable, ...(s.live !== undefined ? { live: s.live } : {}) });
  return { kind: 'status', status: s, ...(mkdir ? { mkdir } : {}), ...(others?.length ? { others } : {}) };
}

/**
 * The live state of keys a reload would set, through check mode's predicted live values: a key an earlier
 * task of this check run sets (the loop's earlier items) is known without a read; the rest in one read.
 */
function* probeOtherKeys(view: ModuleView, keys: FileKey[]): Probe<OtherKey[]> {
  const predictedLive = (key: FileKey): string | undefined => {
    const p = view.check ? view.predicted.file(`/proc/sys/${key.path}`) : undefined;
    return p?.type === 'file' ? p.content : undefined;
  };
  const toRead = keys.filter((k) => predictedLive(k) === undefined);
  let lines: string[] = [];
  if (toRead.length > 0) {
    const r = yield* read({ command: otherKeysCommand(toRead) });
    if (r.exitCode !== 0) throw new Error(`cannot read the keys of the sysctl file: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    lines = r.stdout.split('\n');
  }
  return keys.map((key) => {
    const known = predictedLive(key);
    // Set by an earlier task of this check run: it exists and took a write.
    if (known !== undefined) return { key, exists: true, writable: true, live: known };
    const i = toRead.indexOf(key);
    const v = lines.find((l) => l.startsWith(`@${i}=`));
    const live = v && Buffer.from(v.slice(`@${i}=`.length), 'base64').toString('utf8');
    return { key, exists: lines.includes(`@e${i}`), writable: lines.includes(`@w${i}`), ...(live !== undefined ? { live } : {}) };
  });
}

/** One read of several keys: `@e<i>` exists, `@w<i>` writable, `@<i>=<base64>` the live value. */
export function otherKeysCommand(keys: readonly FileKey[]): string {
  return [
    ...keys.map(
      (k, i) =>
        `p=${shellQuote(`/proc/sys/${k.path}`)}; if [ -f "$p" ]; then echo @e${i}; if [ -w "$p" ]; then echo @w${i}; fi; if v=$(base64 -w0 < "$p" 2>/dev/null); then printf '@${i}=%s\\n' "$v"; fi; fi`,
    ),
    'true',
  ].join('\n');
}

/**
 * The probe as the real run would read it after the earlier tasks: the file's predicted text (or absence)
 * and the key's predicted live value; 'unknown' when an earlier task writes the file with unknown text.
 */
export function predictSysctl(s: SysctlStatus, name: string, file: string, p: Pick<PredictedView, 'file'>): SysctlStatus | 'unknown' {
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
      return {
        ...out,
        file: f.content,
        fileIsOther: false,
        real: {
          path: real,
          mode: f.mode ?? s.real?.mode ?? '0644',
          owner: f.owner ?? s.real?.owner ?? 'root',
          group: f.group ?? s.real?.group ?? 'root',
        },
      };
  }
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
    ...(real
      ? {
          real: { path: real[4] as string, mode: (real[1] as string).padStart(4, '0'), owner: real[2] as string, group: real[3] as string },
        }
      : {}),
  };
}
