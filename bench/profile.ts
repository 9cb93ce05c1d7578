// Reads the V8 CPU profiles of one fleetplay run (node --cpu-prof, one file per thread) and names the
// functions where the controller spent its CPU: self time per function, as a share of the busy time
// (samples that were not idle), so a hotspot that grows with the fleet shows at a glance.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './setup.ts';
import type { Hotspot } from './types.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The busy time of the profiles in `dir` and its `top` functions by self time. */
export function hotspots(dir: string, top = 5): { busyMs: number; top: Hotspot[] } {
  const self = new Map<string, number>();
  let busyUs = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    profile.samples.forEach((id, i) => {
      const frame = frames.get(id);
      const us = profile.timeDeltas[i] ?? 0;
      if (!frame || frame.functionName === '(idle)' || us <= 0) return;
      busyUs += us;
      const key = `${frame.functionName || '(anonymous)'}\t${where(frame)}`;
      self.set(key, (self.get(key) ?? 0) + us);
    });
  }
  const ranked = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => {
      const [fn = '', at = ''] = key.split('\t');
      return { fn, where: at, selfMs: Math.round(us / 1000), share: Number(((100 * us) / Math.max(1, busyUs)).toFixed(1)) };
    });
  return { busyMs: Math.round(busyUs / 1000), top: ranked };
}

/** A frame's place: a path relative to the repository (or the package under node_modules), and its line. */
function where(frame: CallFrame): string {
  if (!frame.url) return '';
  const file = frame.url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('/node_modules/');
  const shown = nm >= 0 ? file.slice(nm + 1) : file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
  return `${shown}:${frame.lineNumber + 1}`;
}
