// stat: read facts about a path into a registered result; never changes anything.
import type { ModuleDefinition } from '../engine/types.ts';
import { readFileState, type ChecksumAlgorithm } from './lib/fileState.ts';

/** The stat module. Its result is `{ stat: { exists, isdir, isreg, islnk, mode, ... } }`. */
export const statModule: ModuleDefinition = {
  name: 'stat',
  runsOn: 'host',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', minLength: 1 },
      get_checksum: { type: 'boolean' },
      checksum_algorithm: { enum: ['sha1', 'sha256'] },
      follow: { type: 'boolean' },
    },
    required: ['path'],
    additionalProperties: false,
  },
  async plan(args, ctx) {
    const path = String(args.path);
    const algo: ChecksumAlgorithm | false = args.get_checksum === false ? false : ((args.checksum_algorithm as ChecksumAlgorithm) ?? 'sha1');
    const s = await readFileState(ctx, path, algo);
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
  },
};
