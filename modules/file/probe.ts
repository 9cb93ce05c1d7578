// What the file module reads: the path's state, its parents when it would be created, and in check
// mode the content a chmod/chown keeps.
import { createHash } from 'node:crypto';
import type { ModuleView, Probe } from '../../engine/module.ts';
import type { PredictedFile } from '../../engine/types.ts';
import { wantedAttributes } from '../lib/attributes.ts';
import { probeFileState, probeRemoteText, type FileState } from '../lib/fileState.ts';
import { probeMissingParent, probeMkdir } from '../lib/parentDir.ts';
import { attributeChange } from './decide.ts';
import type { FileArgs } from './schema.ts';
import type { FileFacts } from './types.ts';

export function* probeFile(args: FileArgs, view: ModuleView): Probe<FileFacts> {
  const state = args.state ?? 'file';
  // Arguments are judged before anything is read (an owner chown could misread is refused here).
  const wanted = wantedAttributes(args);
  const current = yield* probeFileState(view, args.path, false);
  if (current.type === 'absent') {
    const opaque = view.check && !view.predicted.file(args.path) ? view.predicted.opaqueTask() : undefined;
    const also = opaque ? { opaque } : {};
    if (state === 'directory') return { current, mkdir: yield* probeMkdir(view, args.path), ...also };
    if (state === 'touch' || state === 'link') {
      const problem = yield* probeMissingParent(view, args.path);
      return { current, ...(problem ? { parentProblem: problem } : {}), ...also };
    }
    return { current, ...also };
  }
  // Check mode predicts what a chmod/chown leaves; the content stays, so a file is read once more.
  const chmods = state === 'touch' || (state === 'file' && attributeChange(args.path, current, wanted).cmds.length > 0);
  if (!view.check || !chmods || (current.type !== 'file' && current.type !== 'directory')) return { current };
  const known = view.predicted.file(args.path);
  if (known && known.type === current.type) return { current, base: known };
  return { current, base: current.type === 'file' ? yield* hostFile(view, args.path) : current };
}

/** A host file as a prediction: attributes, sha256 and (when the text read matches it) its text. */
function* hostFile(view: ModuleView, path: string): Probe<PredictedFile> {
  const s: FileState = yield* probeFileState(view, path, 'sha256');
  if (s.type !== 'file') return s.type === 'other' ? { type: 'absent' } : s;
  const text = yield* probeRemoteText(view, path);
  return { ...s, ...(createHash('sha256').update(text).digest('hex') === s.checksum ? { content: text } : {}) };
}
