// copy's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { accountNameSchema, modeSchema } from '../lib/schemas.ts';
import { anyModeSchema } from '../lib/symbolicMode.ts';

export const copySchema = {
  type: 'object',
  properties: {
    content: { type: 'string' },
    // A file, or a directory: 'dir/' copies what is in it, 'dir' the directory itself (on the controller only).
    src: { type: 'string' },
    dest: { type: 'string', minLength: 1 },
    // An int (YAML's 0644), an octal string, a symbolic mode (against dest's mode, 0644 for a new file), or
    // 'preserve': src's own mode.
    mode: { anyOf: [...anyModeSchema.anyOf, { const: 'preserve' }] },
    owner: accountNameSchema,
    group: accountNameSchema,
    force: { type: 'boolean' },
    // The mode of the directories copy creates (for a dest ending in '/', or a directory src); they also get owner and group.
    directory_mode: modeSchema,
    // src is a path on the host (Ansible's remote_src); ignored with content, as in Ansible.
    remote_src: { type: 'boolean' },
    // An existing dest whose content changes is copied to <dest>.<pid>.<date>~ first.
    backup: { type: 'boolean' },
    // A command with %s (the new file) that must succeed before dest is replaced ('' is none, as in Ansible).
    validate: { type: 'string' },
    // The SHA1 the copied file must have: a src with another fails ("Transfer failed").
    checksum: { type: 'string', pattern: '^[0-9a-fA-F]{40}$' },
    // A dest that is a link: write its target (true) or replace the link with the file (false, the default).
    follow: { type: 'boolean' },
    // A directory src: links in it are followed (true, the default) or copied as links.
    local_follow: { type: 'boolean' },
    // A vault-encrypted controller src is copied decrypted (the default), or as the vault text (false).
    decrypt: { type: 'boolean' },
    // fleetplay: the content is JSON; it must parse, and the same value in another layout is no change.
    format: { enum: ['text', 'json'] },
  },
  required: ['dest'],
  oneOf: [{ required: ['content'] }, { required: ['src'] }],
  additionalProperties: false,
} as const;

export type CopyArgs = FromSchema<typeof copySchema>;
