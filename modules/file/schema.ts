// The file module's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { accountNameSchema } from '../lib/schemas.ts';
import { anyModeSchema } from '../lib/symbolicMode.ts';

const timeSchema = { type: 'string', minLength: 1 } as const;

export const fileSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1, aliases: ['dest', 'name'] },
    // Without state: what is there now ('file' for a missing path, 'directory' with recurse), as in Ansible.
    state: { enum: ['file', 'directory', 'absent', 'touch', 'link', 'hard'] },
    src: { type: 'string' },
    // An int (YAML's 0644), an octal string, or a symbolic mode computed against the current one.
    mode: anyModeSchema,
    owner: accountNameSchema,
    group: accountNameSchema,
    force: { type: 'boolean' },
    // state: directory: owner, group and mode set on everything below it too.
    recurse: { type: 'boolean' },
    // chattr flags the path must have, as lsattr prints them; a leading + or - adds or removes ('=' by default).
    attributes: { type: 'string', pattern: '^[-+=]?[a-zA-Z]*$', aliases: ['attr'] },
    // A link's target gets the attributes (default true).
    follow: { type: 'boolean' },
    // `now`, `preserve`, or a time in the format (default '%Y%m%d%H%M.%S'); touch defaults to now, the rest to preserve.
    access_time: timeSchema,
    access_time_format: timeSchema,
    modification_time: timeSchema,
    modification_time_format: timeSchema,
    // Ansible's internal argument (its action plugins' diff): only says whether the path's head holds a NUL byte.
    _diff_peek: { type: 'boolean' },
    // Ansible's internal argument (copy/template): the name a path that is a directory gets inside it.
    _original_basename: { type: 'string' },
  },
  required: ['path'],
  additionalProperties: false,
} as const;

export type FileArgs = FromSchema<typeof fileSchema>;

/** The states the module acts on once a missing `state` is filled in. */
export type FileStateArg = NonNullable<FileArgs['state']>;
