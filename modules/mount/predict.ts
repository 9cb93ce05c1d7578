// Check mode: what a mount change leaves (the fstab text, the mount point's directory, and whether it is mounted).
import { createHash } from 'node:crypto';
import type { Decision } from '../../engine/module.ts';
import type { PredictedState } from '../../engine/types.ts';
import { MOUNTS, mountinfoPath } from './probe.ts';
import type { MountChange } from './types.ts';

/** Records what a planned change leaves, for the later tasks of a check run. */
export function predictMount(decision: Decision<MountChange>, predicted: PredictedState): void {
  if (decision.kind !== 'change') return;
  const c = decision.change;
  const { path } = c.request;
  if (c.mkdir) predicted.setFile(path, { type: 'directory' });
  if (c.fstab !== undefined) {
    const attrs = c.status.fstabAttrs ?? { mode: '0644', owner: 'root', group: 'root' };
    predicted.setFile(c.status.fstabReal, {
      type: 'file',
      content: c.fstab,
      size: Buffer.byteLength(c.fstab),
      checksum: createHash('sha256').update(c.fstab).digest('hex'),
      ...attrs,
    });
  }
  if (c.action) predicted.slot(MOUNTS).set(mountinfoPath(path), c.action !== 'unmount');
  if (c.rmdir) predicted.setFile(path, { type: 'absent' });
}
