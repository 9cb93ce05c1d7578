// stat: read facts about a path into a registered result; never changes anything.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { probeFileState, type ChecksumAlgorithm, type FileState } from '../lib/fileState.ts';

export const statSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1 },
    get_checksum: { type: 'boolean' },
    checksum_algorithm: { enum: ['sha1', 'sha256'] },
    follow: { type: 'boolean' },
  },
  required: ['path'],
  additionalProperties: false,
} as const;

export type StatArgs = FromSchema<typeof statSchema>;

/** What probe read: the path's state. */
export interface StatFacts {
  state: FileState;
}

function* probeStat(args: StatArgs, view: ModuleView): Probe<StatFacts> {
  const algo: ChecksumAlgorithm | false = args.get_checksum === false ? false : (args.checksum_algorithm ?? 'sha1');
  return { state: yield* probeFileState(view, args.path, algo) };
}

function decideStat(args: StatArgs, facts: StatFacts): Decision<never> {
  const path = args.path;
  const s = facts.state;
  if (s.type === 'absent') return { kind: 'ok', msg: `${path} does not exist`, data: { stat: { exists: false, path } } };
  const stat = {
    exists: true,
    path,
    isdir: s.type === 'directory',
    isreg: s.type === 'file',
    islnk: s.type === 'link',
    pw_name: s.owner,
    gr_name: s.group,
    ...(s.type === 'link' ? { lnk_target: s.target, lnk_source: s.target } : { mode: s.mode }),
    ...(s.type === 'file' ? { size: s.size, ...(s.checksum ? { checksum: s.checksum } : {}) } : {}),
  };
  return { kind: 'ok', msg: `${path} is a ${s.type}`, data: { stat } };
}

/** The stat module. Its result is `{ stat: { exists, isdir, isreg, islnk, mode, ... } }`. */
export const statModule = defineModule<StatArgs, StatFacts, never>({
  name: 'stat',
  runsOn: 'host',
  schema: statSchema,
  probe: probeStat,
  decide: decideStat,
});
