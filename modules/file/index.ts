// file: make a path a directory, a symlink, an empty file, or absent; set its mode, owner, group and times
// (on a whole tree with recurse). probe (what is at the path), decide (pure), apply, predict.
import { defineModule } from '../../engine/module.ts';
import { decideFile } from './decide.ts';
import { probeFile } from './probe.ts';
import { predictFileChange } from './predict.ts';
import { fileSchema, type FileArgs } from './schema.ts';
import type { FileChange, FileDecision, FileFacts } from './types.ts';

/** The file module. */
export const fileModule = defineModule<FileArgs, FileFacts | { refused: string }, FileChange>({
  name: 'file',
  summary: 'Make a path a directory, a link, an empty file, or absent; set its mode, owner and times.',
  runsOn: 'host',
  schema: fileSchema,
  probe: (args, view) => probeFile(args, view),
  decide: (args, facts) => decideFile(args, facts),
  async apply(change: FileChange, host) {
    for (const step of change.steps) {
      const r = await host.run(step.command, step.stdin !== undefined ? { stdin: step.stdin } : undefined);
      if (r.exitCode !== 0) return { kind: 'failed', msg: r.stderr.trim() || `exit ${r.exitCode}` };
    }
    return { kind: 'changed', msg: change.done };
  },
  predict: (decision: FileDecision, predicted) => predictFileChange(decision, predicted),
});
