// The mount module's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';

// A field of one fstab line: spaces are written as \040 (Ansible's escaping), but a tab, newline, carriage
// return or NUL would split the line or start a new one, so they are refused.
const FIELD_PATTERN = '^[^\\t\\n\\r\\x00]+$';
const ABSOLUTE_PATTERN = '^/[^\\t\\n\\r\\x00]*$';

const field = { type: 'string', pattern: FIELD_PATTERN, description: 'one fstab field (no tab, newline, carriage return or NUL)' } as const;
const number = {
  type: ['string', 'integer'],
  pattern: '^[0-9]+$',
  minimum: 0,
  description: 'a number (dump and passno are fstab fields 5 and 6)',
} as const;

/** The JSON Schema of the mount module's arguments (Ansible's, path with its alias name). */
export const mountSchema = {
  type: 'object',
  properties: {
    path: {
      type: 'string',
      aliases: ['name'],
      // `none`: a swap line's mount point (fstab field 2), as Ansible's swap roles write it.
      pattern: '^(none|/[^\\t\\n\\r\\x00]*)$',
      description: 'the mount point: an absolute path (no tab, newline, carriage return or NUL), or none for a swap line',
    },
    src: field,
    fstype: field,
    opts: field,
    dump: number,
    passno: number,
    state: { enum: ['mounted', 'unmounted', 'present', 'absent', 'absent_from_fstab', 'remounted', 'ephemeral'] },
    fstab: { type: 'string', pattern: ABSOLUTE_PATTERN, description: 'the fstab file: an absolute path' },
    backup: { type: 'boolean' },
    boot: { type: 'boolean' },
  },
  required: ['path', 'state'],
  additionalProperties: false,
} as const;

/** The arguments as ajv checked them. */
export type MountArgs = FromSchema<typeof mountSchema>;
