// lineinfile's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { modeSchema } from '../lib/schemas.ts';

export const lineinfileSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1 },
    dest: { type: 'string', minLength: 1 },
    line: { type: 'string' },
    regexp: { type: 'string', minLength: 1 },
    search_string: { type: 'string', minLength: 1 },
    state: { enum: ['present', 'absent'] },
    insertafter: { type: 'string', minLength: 1 },
    insertbefore: { type: 'string', minLength: 1 },
    create: { type: 'boolean' },
    backrefs: { type: 'boolean' },
    firstmatch: { type: 'boolean' },
    mode: modeSchema,
    owner: { type: 'string' },
    group: { type: 'string' },
  },
  oneOf: [{ required: ['path'] }, { required: ['dest'] }],
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
