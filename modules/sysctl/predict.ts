// Check mode: what a sysctl change leaves (the directories mkdir -p creates, the file with its text, the live value).
import { createHash } from 'node:crypto';
import type { Decision } from '../../engine/module.ts';
import type { PredictedState } from '../../engine/types.ts';
import { setPredictedDirectories } from '../lib/parentDir.ts';
import { keyPath } from './text.ts';
import type { SysctlPlanned } from './types.ts';

export function predictSysctlChange(decision: Decision<SysctlPlanned>, p: PredictedState): void {
  if (decision.kind !== 'change') return;
  const { change: c, created, real, reloaded } = decision.change;
  setPredictedDirectories(p, created);
  for (const [path, value] of reloaded ?? []) p.setFile(path, { type: 'file', content: `${value}\n` });
  if (c.setLive) p.setFile(`/proc/sys/${keyPath(c.name)}`, { type: 'file', content: `${c.value}\n` });
  if (c.content === undefined) return;
  // The apply rewrites a symlink's target; a new file gets 0644 (root, the become user).
  p.setFile(real?.path ?? c.file, {
    type: 'file',
    content: c.content,
    size: Buffer.byteLength(c.content),
    checksum: createHash('sha256').update(c.content).digest('hex'),
    mode: real?.mode ?? '0644',
    owner: real?.owner ?? 'root',
    group: real?.group ?? 'root',
  });
}
