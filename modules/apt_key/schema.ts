// apt_key's arguments: the schema ajv checks, the type it describes, and what the steps hand each other.
import type { FromSchema } from 'json-schema-to-ts';
import type { PredictedFile } from '../../engine/types.ts';
import type { FileState } from '../lib/fileState.ts';
import { modeSchema } from '../lib/schemas.ts';
import type { KeySource, LegacyChange, LegacyProbe } from './legacy.ts';

/** Default seconds the host waits for the key server. */
export const DEFAULT_TIMEOUT = 10;

export const aptKeySchema = {
  type: 'object',
  properties: {
    url: { type: 'string', pattern: '^(https?|ftp)://' },
    data: { type: 'string', minLength: 1 },
    // A key file on the host.
    file: { type: 'string', pattern: '^/[^\\n\\r\\x00]*$', description: 'an absolute path on the host' },
    // A key server host name, or hkp://, hkps://, http:// or https:// and a host (the host fetches the key over HKP).
    keyserver: { type: 'string', pattern: '^((hkps?|https?)://)?[A-Za-z0-9.-]+(:[0-9]+)?/?$' },
    id: { type: 'string', minLength: 1 },
    // An absolute path, named on a source's Signed-By line: no newline, CR or NUL.
    keyring: {
      type: 'string',
      pattern: '^/[^\\n\\r\\x00]*$',
      description: 'an absolute path on one line (no newline, carriage return or NUL)',
    },
    state: { enum: ['present', 'absent'] },
    mode: modeSchema,
    timeout: { type: 'integer', minimum: 1 },
    validate_certs: { type: 'boolean' },
  },
  // Ansible: data, file, keyserver and url are mutually exclusive (argumentProblem: keyserver needs an id).
  not: {
    anyOf: [
      { required: ['url', 'data'] },
      { required: ['url', 'file'] },
      { required: ['url', 'keyserver'] },
      { required: ['data', 'file'] },
      { required: ['data', 'keyserver'] },
      { required: ['file', 'keyserver'] },
    ],
  },
  if: { properties: { state: { const: 'absent' } }, required: ['state'] },
  then: { not: { anyOf: [{ required: ['url'] }, { required: ['data'] }, { required: ['file'] }, { required: ['keyserver'] }] } },
  additionalProperties: false,
} as const;

export type AptKeyArgs = FromSchema<typeof aptKeySchema>;

/** What the present probe read: the keyring's state and bytes, the fetched key and the fetch's exit code. */
export interface KeyProbe {
  state: FileState;
  have: Buffer;
  key?: Buffer;
  fetchRc?: number;
  stderr: string;
}

/** What probe read (or why it could not). */
export type AptKeyFacts =
  | { kind: 'absent'; keyring: string; readError?: string; state?: FileState }
  | { kind: 'present'; keyring: string; readError?: string; probe?: KeyProbe }
  | { kind: 'legacy'; keyring: ''; readError?: string; probe?: LegacyProbe; id?: string; source: KeySource };

/** What apply does: remove the keyring, or write `content` with `mode`. */
export type AptKeyChange =
  | { kind: 'legacy'; keyring: ''; legacy: LegacyChange; data: Record<string, unknown> }
  | { kind: 'remove'; keyring: string; predicted: PredictedFile }
  | {
      kind: 'write';
      keyring: string;
      content: Buffer;
      mode: string;
      done: string;
      data: { keyring: string; fingerprints: string[]; url?: string };
      predicted: PredictedFile;
    };
