// Check mode: the file a planned download (or attribute change) leaves, which decide computed. A
// download whose outcome is unknown (the URL refused both requests of the check) is still predicted:
// the later tasks plan against the file it would most likely write.
import type { Decision } from '../../engine/module.ts';
import type { PredictedState } from '../../engine/types.ts';
import type { FilePrediction, GetUrlChange } from './types.ts';

/** Where an `unknown` decision carries its prediction (Decision's unknown has no field for it). */
const UNKNOWN_PREDICTION = Symbol('get_url: the file an unknown download would write');

/** Attaches the prediction to an unknown decision, out of sight of anything that copies or prints it. */
export function withPrediction<D extends object>(decision: D, prediction: FilePrediction): D {
  Object.defineProperty(decision, UNKNOWN_PREDICTION, { value: prediction, enumerable: false });
  return decision;
}

export function predictGetUrl(decision: Decision<GetUrlChange>, predicted: PredictedState): void {
  const prediction =
    decision.kind === 'change' ? decision.change.prediction : (decision as { [UNKNOWN_PREDICTION]?: FilePrediction })[UNKNOWN_PREDICTION];
  if (prediction) predicted.setFile(prediction.path, prediction.state);
}
