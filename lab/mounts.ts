// Reading and undoing host mounts (node overlays, /proc in an image being built).
import { readFileSync } from 'node:fs';
import { run, runChecked } from './process.ts';
import { LabError } from './types.ts';

/** Mount points at or below dir, deepest first, read from /proc/self/mountinfo. */
export function mountsUnder(dir: string): string[] {
  const base = dir.replace(/\/+$/, '');
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map(unescapeMountPath)
    .filter((p) => p === base || p.startsWith(`${base}/`));
  // Deepest first; the same point mounted twice appears twice and is unmounted twice.
  return points.sort((a, b) => b.split('/').length - a.split('/').length);
}

/** True when dir itself is a mount point. */
export function isMountPoint(dir: string): boolean {
  return mountsUnder(dir).includes(dir.replace(/\/+$/, ''));
}

/** Unmounts everything at or below dir, deepest first (lazily if a plain unmount fails); throws if any remain. */
export async function unmountUnder(dir: string): Promise<void> {
  for (const point of mountsUnder(dir)) {
    const plain = await run('umount', [point]);
    if (plain.exitCode !== 0) await run('umount', ['-l', point]);
  }
  const left = mountsUnder(dir);
  if (left.length > 0) throw new LabError(`could not unmount: ${left.join(', ')}`);
}

/** Mounts an overlay of lower (read-only) with upper/work at target. */
export async function mountOverlay(opts: { lower: string; upper: string; work: string; target: string }): Promise<void> {
  const options = `lowerdir=${opts.lower},upperdir=${opts.upper},workdir=${opts.work}`;
  await runChecked('mount', ['-t', 'overlay', 'overlay', '-o', options, opts.target]);
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}
