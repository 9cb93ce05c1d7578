// Check mode: the states a file change leaves (decide computed them).
import type { Decision } from '../../engine/module.ts';
import type { PredictedState } from '../../engine/types.ts';
import type { FileChange } from './types.ts';

export function predictFileChange(decision: Decision<FileChange>, predicted: PredictedState): void {
  if (decision.kind !== 'change') return;
  for (const p of decision.change.predictions) predicted.setFile(p.path, p.state);
}
