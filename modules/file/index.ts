// file: make a path a directory, a symlink, an empty file, or absent; set its mode, owner, group and times
// (on a whole tree with recurse). probe (what is at the path), decide (pure), apply, predict.
import { defineModule } from '../../engine/module.ts';
import { decideFile } from './decide.ts';
import { probeFile } from './probe.ts';
import { predictFileChange } from './predict.ts';
import { parsePathInfo, pathInfoCommand, resultFields } from './pathInfo.ts';
import { fileSchema, type FileArgs } from './schema.ts';
import type { FileChange, FileDecision, FileFacts, FileRefusal } from './types.ts';

/** The file module. */
export const fileModule = defineModule<FileArgs, FileFacts | FileRefusal, FileChange>({
  name: 'file',
  summary: 'Make a path a directory, a link, an empty file, or absent; set its mode, owner and times.',
  runsOn: 'host',
  schema: fileSchema,
  probe: (args, view) => probeFile(args, view),
  decide: (args, facts, view) => decideFile(args, facts, view.check),
  async apply(change: FileChange, host) {
    const last = change.steps.length - 1;
    let info: string | undefined;
    for (const [i, step] of change.steps.entries()) {
      // Ansible's add_path_info: the path's info as the change left it, read by the last step once it succeeded.
      const read =
        i === last && change.result ? `\nrc=$?; [ $rc -eq 0 ] || exit $rc; printf '\\036'; ${pathInfoCommand(change.result.path)}` : '';
      const r = await host.run(`${step.command}${read}`, step.stdin !== undefined ? { stdin: step.stdin } : undefined);
      if (r.exitCode !== 0) return { kind: 'failed', msg: r.stderr.trim() || `exit ${r.exitCode}` };
      if (read) info = r.stdout.slice(r.stdout.lastIndexOf('\x1e') + 1);
    }
    if (!change.result) return { kind: 'changed', msg: change.done };
    const { key, path, own } = change.result;
    return { kind: 'changed', msg: change.done, data: resultFields(key, path, info === undefined ? undefined : parsePathInfo(info), own) };
  },
  predict: (decision: FileDecision, predicted) => predictFileChange(decision, predicted),
});
