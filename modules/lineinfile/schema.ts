// lineinfile's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { modeSchema } from '../lib/schemas.ts';

export const lineinfileSchema = {
  type: 'object',
  properties: {
    // Ansible's other names: dest, destfile, name (path); value (line); regex (regexp).
    path: { type: 'string', minLength: 1, aliases: ['dest', 'destfile', 'name'] },
    line: { type: 'string', aliases: ['value'] },
    // An empty regexp or search_string matches every line: Ansible warns (lineinfile/warnings.ts).
    regexp: { type: 'string', aliases: ['regex'] },
    search_string: { type: 'string' },
    state: { enum: ['present', 'absent'] },
    insertafter: { type: 'string', minLength: 1 },
    insertbefore: { type: 'string', minLength: 1 },
    create: { type: 'boolean' },
    backrefs: { type: 'boolean' },
    firstmatch: { type: 'boolean' },
    // A content change first copies the file to <path>.<pid>.<YYYY-MM-DD@HH:MM:SS~> (result `backup`).
    backup: { type: 'boolean' },
    // A command with %s (the new text in a temp file) that must exit 0 before the file is replaced.
    validate: { type: 'string' },
    mode: modeSchema,
    owner: { type: 'string' },
    // Accepted with no effect: writes are always atomic (Ansible falls back to unsafe writes only when a rename fails).
    unsafe_writes: { type: 'boolean' },
    group: { type: 'string' },
  },
  required: ['path'],
  not: {
    anyOf: [
      { required: ['regexp', 'search_string'] },
      { required: ['insertafter', 'insertbefore'] },
      { required: ['backrefs', 'search_string'] },
    ],
  },
  if: { not: { properties: { state: { const: 'absent' } }, required: ['state'] } },
  then: { required: ['line'] },
  additionalProperties: false,
} as const;

export type LineinfileArgs = FromSchema<typeof lineinfileSchema>;
