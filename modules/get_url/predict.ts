// Check mode: the file a planned download (or attribute change) leaves, which decide computed. A
// download whose outcome is unknown (the URL refused both requests of the check) is still predicted:
// the later tasks plan against the file it would most likely write.
import type { Decision } from '../../engine/module.ts';
import type { PredictedState } from '../../engine/types.ts';
import type { FilePrediction, GetUrlChange } from './types.ts';

export function predictGetUrl(decision: Decision<GetUrlChange>, predicted: PredictedState): void {
  const prediction =
    decision.kind === 'change'
      ? decision.change.prediction
      : decision.kind === 'unknown'
        ? (decision.record as FilePrediction | undefined)
        : undefined;
  if (prediction) predicted.setFile(prediction.path, prediction.state);
}
