// find's arguments (ansible.builtin.find): the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';

/** A list, or a comma-separated string (Ansible's `type: list` splits a string on commas). */
const listOrCommaString = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } as const;

export const findSchema = {
  type: 'object',
  properties: {
    paths: { ...listOrCommaString, aliases: ['name', 'path'] },
    patterns: { ...listOrCommaString, aliases: ['pattern'] },
    excludes: { anyOf: [...listOrCommaString.anyOf, { type: 'null' }], aliases: ['exclude'] },
    use_regex: { type: 'boolean' },
    contains: { type: ['string', 'null'] },
    read_whole_file: { type: 'boolean' },
    file_type: { enum: ['any', 'directory', 'file', 'link'] },
    recurse: { type: 'boolean' },
    depth: { type: ['integer', 'null'] },
    hidden: { type: 'boolean' },
    follow: { type: 'boolean' },
    age: { type: ['string', 'integer', 'null'] },
    age_stamp: { enum: ['atime', 'ctime', 'mtime'] },
    size: { type: ['string', 'integer', 'null'] },
    mode: { type: ['string', 'null'] },
    exact_mode: { type: 'boolean' },
    get_checksum: { type: 'boolean' },
    checksum_algorithm: { enum: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'], aliases: ['checksum', 'checksum_algo'] },
    limit: { type: ['integer', 'null'] },
  },
  required: ['paths'],
  additionalProperties: false,
} as const;

/** The arguments, as ajv checked them. */
export type FindArgs = FromSchema<typeof findSchema>;
