// file: make a path a directory, a symlink, an empty file, or absent; set its mode and owner.
// The example module of docs/modules.md: probe (what is at the path), decide (pure), apply, predict.
import { defineModule, type Decision } from '../../engine/module.ts';
import { decideFile, type FilePrediction } from './decide.ts';
import { probeFile } from './probe.ts';
import { predictFileChange } from './predict.ts';
import { fileSchema, type FileArgs } from './schema.ts';
import type { FileChange, FileFacts } from './types.ts';

/** The file module. */
export const fileModule = defineModule<FileArgs, FileFacts, FileChange>({
  name: 'file',
  runsOn: 'host',
  schema: fileSchema,
  probe: (args, view) => probeFile(args, view),
  decide: (args, facts) => decideFile(args, facts),
  async apply(change: FileChange, host) {
    const r = await host.run(change.script);
    return r.exitCode === 0 ? { kind: 'changed', msg: change.done } : { kind: 'failed', msg: r.stderr.trim() || `exit ${r.exitCode}` };
  },
  predict: (decision: Decision<FileChange, FilePrediction[]>, predicted) => predictFileChange(decision, predicted),
});
