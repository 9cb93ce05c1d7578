// Check mode: what a modprobe change leaves (decide carried the decision and the status it came from).
import { createHash } from 'node:crypto';
import type { Decision } from '../../engine/module.ts';
import type { PredictedState } from '../../engine/types.ts';
import type { ModprobeChange, ModprobeDecision, ModuleStatus } from './types.ts';

export function predictModprobe(decision: Decision<ModprobeChange>, predicted: PredictedState): void {
  if (decision.kind !== 'change') return;
  const { name, decision: d, status } = decision.change;
  recordModprobe(predicted, name, d, status);
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
