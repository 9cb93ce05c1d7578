// copy's apply and predict: a content write (content, a controller src) or a copy on the host (remote_src).
import type { Decision, ModuleHost } from '../../engine/module.ts';
import type { ApplyOutcome, PredictedState } from '../../engine/types.ts';
import { predictDirectories } from '../lib/createdDirectories.ts';
import { applyFileContent, type FileContentChange } from '../lib/fileContent.ts';
import { setPredictedFile } from '../lib/fileState.ts';
import { applyTree, predictTree, type TreeChange } from './copyTree.ts';
import { applyRemoteCopy } from './remoteApply.ts';
import type { RemoteCopyChange } from './remoteSrc.ts';
import { withStat } from '../lib/contentResult.ts';

/** What copy's decide may plan. */
export type CopyChange = FileContentChange | RemoteCopyChange | TreeChange;

/** Writes the planned change. */
export async function applyCopy(change: CopyChange, host: ModuleHost): Promise<ApplyOutcome> {
  if ('tree' in change) return applyTree(change, host);
  if (!('remoteSrc' in change)) return withStat(await applyFileContent(change, host), change.dest, host);
  return withStat(await applyRemoteCopy(change, host), change.dest, host);
}

/** Check mode: the directories and the file the change leaves. */
export function predictCopy(decision: Decision<CopyChange>, predicted: PredictedState): void {
  if (decision.kind !== 'change') return;
  // Both kinds of change carry the directories created and the file's state after it.
  const { change } = decision;
  if ('tree' in change) {
    predictTree(change, predicted);
    return;
  }
  predictDirectories(predicted, change.directories, change.directoryAttributes);
  setPredictedFile(predicted, change.dest, change.predicted);
}
