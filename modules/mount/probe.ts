// What the mount module reads: one read-only command (the fstab, its real path and attributes, what is at
// the mount point, and whether /proc/self/mountinfo has a mount there), read through check mode's prediction.
import { read, type ModuleView, type PredictedView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { StateSlot } from '../../engine/types.ts';
import type { MountFacts, MountRequest, MountStatus } from './types.ts';

/** Check mode: whether earlier mount tasks would leave each mount point (normalized path) mounted. */
export const MOUNTS: StateSlot<Map<string, boolean>> = { name: 'mount points', init: () => new Map() };

/** The mount point as /proc/self/mountinfo names it: no trailing slash, and its escapes (space, tab, newline, backslash). */
export function mountinfoPath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
  return trimmed.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** The probe: one read, then check mode's prediction over it. */
export function* probeMount(req: MountRequest, view: ModuleView): Probe<MountFacts> {
  const r = yield* read({ command: mountProbeCommand(req.fstab, req.path) });
  if (r.exitCode !== 0)
    return { kind: 'unreadable', msg: `cannot read ${req.fstab} or the mounts: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  const probed = parseMountProbe(r.stdout, req.fstab);
  if (!view.check) return { kind: 'status', status: probed };
  const status = predictStatus(probed, req.fstab, req.path, view.predicted);
  return typeof status === 'string' ? { kind: 'unknown', msg: status } : { kind: 'status', status };
}

/** The read-only probe command. */
export function mountProbeCommand(fstab: string, path: string): string {
  return [
    'set -e',
    `f=${shellQuote(fstab)}; p=${shellQuote(path)}`,
    'if [ -e "$f" ]; then',
    '  r=$(readlink -f -- "$f"); a=$(stat -c \'%a %U %G\' -- "$r"); t=$(base64 -w0 < "$f")',
    `  printf '@fstab=%s\\n@attrs=%s\\n@text=%s\\n' "$r" "$a" "$t"`,
    'fi',
    'if [ -d "$p" ]; then echo @dir; elif [ -e "$p" ] || [ -L "$p" ]; then echo @other; fi',
    // ENVIRON, not awk -v: -v would turn mountinfo's \040 escapes into the characters.
    `M=${shellQuote(mountinfoPath(path))} awk '$5 == ENVIRON["M"] { m = 1 } END { if (m) print "@mounted" }' /proc/self/mountinfo`,
  ].join('\n');
}

/** Parses the output of mountProbeCommand. */
export function parseMountProbe(output: string, fstab: string): MountStatus {
  const lines = output.split('\n');
  const value = (key: string): string | undefined => lines.find((l) => l.startsWith(`@${key}=`))?.slice(key.length + 2);
  const real = value('fstab');
  const attrs = /^(\d+) (\S+) (\S+)$/.exec(value('attrs') ?? '');
  return {
    fstabExists: real !== undefined,
    fstabText: Buffer.from(value('text') ?? '', 'base64').toString('utf8'),
    fstabReal: real ?? fstab,
    ...(attrs ? { fstabAttrs: { mode: (attrs[1] as string).padStart(4, '0'), owner: attrs[2] as string, group: attrs[3] as string } } : {}),
    mounted: lines.includes('@mounted'),
    pathType: lines.includes('@dir') ? 'directory' : lines.includes('@other') ? 'other' : 'absent',
  };
}

/**
 * The status as the real run would read it after the earlier tasks of a check run: the fstab text they
 * would leave, the mount points they would mount or unmount, and the mount point they would create or
 * remove. A message when an earlier task writes the fstab with text check mode does not know.
 */
export function predictStatus(s: MountStatus, fstab: string, path: string, p: Pick<PredictedView, 'file' | 'slot'>): MountStatus | string {
  const out = { ...s };
  const f = p.file(s.fstabReal) ?? p.file(fstab);
  if (f?.type === 'absent') Object.assign(out, { fstabExists: false, fstabText: '' });
  else if (f?.type === 'file' && f.content !== undefined) Object.assign(out, { fstabExists: true, fstabText: f.content });
  else if (f !== undefined)
    return `an earlier task would change ${s.fstabReal} in a way check mode does not know, so what this task changes is unknown`;
  const mounted = p.slot(MOUNTS).get(mountinfoPath(path));
  if (mounted !== undefined) out.mounted = mounted;
  const at = p.file(path);
  if (at !== undefined) out.pathType = at.type === 'absent' ? 'absent' : at.type === 'directory' ? 'directory' : 'other';
  return out;
}
