// Check mode: the members an extraction would write, as decide computed them.
import type { Decision } from '../../engine/module.ts';
import type { PredictedState } from '../../engine/types.ts';
import type { UnarchiveChange } from './types.ts';

export function predictUnarchive(decision: Decision<UnarchiveChange>, predicted: PredictedState): void {
  if (decision.kind !== 'change') return;
  for (const p of decision.change.predictions) predicted.setFile(p.path, p.state);
}
