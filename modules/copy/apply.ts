// copy's apply and predict: a content write (content, a controller src) or a copy on the host (remote_src).
import type { Decision, ModuleHost } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome, PredictedState } from '../../engine/types.ts';
import { attributeCommands } from '../lib/attributes.ts';
import { applyFileContent, type FileContentChange } from '../lib/fileContent.ts';
import { predictDirectories, makeDirectories } from '../lib/createdDirectories.ts';
import { setPredictedFile } from '../lib/fileState.ts';
import { replaceFile } from '../lib/replaceFile.ts';
import { applyTree, predictTree, type TreeChange } from './copyTree.ts';
import type { RemoteCopyChange } from './remoteSrc.ts';

/** What copy's decide may plan. */
export type CopyChange = FileContentChange | RemoteCopyChange | TreeChange;

/** Writes the planned change. */
export async function applyCopy(change: CopyChange, host: ModuleHost): Promise<ApplyOutcome> {
  if ('tree' in change) return applyTree(change, host);
  if (!('remoteSrc' in change)) return applyFileContent(change, host);
  const { dest, data } = change;
  if (change.sameContent) {
    const r = await host.run(attributeCommands(shellQuote(dest), change.wanted).join(' && '));
    if (r.exitCode !== 0) return { kind: 'failed', msg: r.stderr.trim(), data };
    return { kind: 'changed', msg: change.done, data };
  }
  const problem = await makeDirectories(host, change.directories, change.directoryAttributes);
  if (problem !== undefined) return { kind: 'failed', msg: problem, data };
  const source = { kind: 'host' as const, path: change.remoteSrc, checksum: change.checksum };
  const options = { ...(change.backup ? { backup: true } : {}), ...(change.validate !== undefined ? { validate: change.validate } : {}) };
  const done = await replaceFile(host, dest, source, change.wanted, options);
  if (!done.ok) return { kind: 'failed', msg: done.msg, data: { ...data, ...done.data } };
  return { kind: 'changed', msg: change.done, data: { ...data, ...(done.backupFile ? { backup_file: done.backupFile } : {}) } };
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
