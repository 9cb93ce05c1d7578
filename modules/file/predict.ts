// Check mode: the states a file change leaves (decide computed them).
import type { PredictedState } from '../../engine/types.ts';
import type { FileDecision } from './types.ts';

/** Records what the change leaves, or, for an unknown outcome, the end state decide could still tell. */
export function predictFileChange(decision: FileDecision, predicted: PredictedState): void {
  if (decision.kind === 'unknown') for (const p of decision.record ?? []) predicted.setFile(p.path, p.state);
  if (decision.kind !== 'change') return;
  for (const p of decision.change.predictions) predicted.setFile(p.path, p.state);
}
