// The kernel_blacklist module's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { LIST_WORD_PATTERN } from '../lib/argumentRules.ts';
import { oneLineSchema } from '../lib/schemas.ts';

export const kernelBlacklistSchema = {
  type: 'object',
  properties: {
    // One word: it is the module name of a `blacklist <name>` line (Ansible takes any string).
    name: {
      type: 'string',
      minLength: 1,
      pattern: LIST_WORD_PATTERN,
      description: 'a kernel module name (one word: no whitespace or control characters)',
    },
    state: { enum: ['present', 'absent'] },
    blacklist_file: { ...oneLineSchema, minLength: 1, pattern: '^/[^\\n\\r\\x00]*$', description: 'an absolute path' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

export type KernelBlacklistArgs = FromSchema<typeof kernelBlacklistSchema>;
