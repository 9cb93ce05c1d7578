// The stat module's arguments, with Ansible's aliases: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';

/** The checksum algorithms Ansible's stat offers (sha1 by default). */
export const CHECKSUM_ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

export const statSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1, aliases: ['dest', 'name'] },
    get_checksum: { type: 'boolean' },
    checksum_algorithm: { enum: CHECKSUM_ALGORITHMS, aliases: ['checksum', 'checksum_algo'] },
    get_mime: { type: 'boolean', aliases: ['mime', 'mime_type', 'mime-type'] },
    get_attributes: { type: 'boolean', aliases: ['attr', 'attributes'] },
    follow: { type: 'boolean' },
  },
  required: ['path'],
  additionalProperties: false,
} as const;

export type StatArgs = FromSchema<typeof statSchema>;

/** One of CHECKSUM_ALGORITHMS. */
export type StatAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
