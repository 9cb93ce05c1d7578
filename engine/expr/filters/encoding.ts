// Encoding and digest filters: b64encode, b64decode, hash, checksum and password_hash.
import { createHash, getHashes, randomBytes } from 'node:crypto';
import { problem } from '../error.ts';
import type { BoundArgs } from '../signature.ts';
import { toText, typeName } from '../values.ts';
import { arg, type FilterEntry, simple, withParams } from './spec.ts';
import { randomSalt, shaCrypt, validSalt } from './sha-crypt.ts';

function encodingOf(args: BoundArgs, filter: string): 'utf8' | 'utf16le' | 'latin1' | 'ascii' {
  const name = toText(arg(args, 'encoding', 'utf-8'))
    .toLowerCase()
    .replace(/[_-]/g, '');
  if (name === 'utf8') return 'utf8';
  if (name === 'utf16le') return 'utf16le';
  if (name === 'latin1' || name === 'iso88591') return 'latin1';
  if (name === 'ascii') return 'ascii';
  return problem(`${filter}: unsupported encoding ${toText(arg(args, 'encoding'))}`);
}

// Python's base64.b64decode (not validating): characters outside the alphabet are dropped, padding must be right.
function b64decode(value: unknown, args: BoundArgs): string {
  const encoding = encodingOf(args, 'b64decode');
  const text = toText(value)
    .replace(/[^A-Za-z0-9+/=]/g, '')
    .replace(/=+$/, (pad) => pad.slice(0, 2));
  const body = text.replace(/=+$/, '');
  if (/=/.test(body) || text.length % 4 !== 0 || body.length % 4 === 1) return problem('b64decode: Incorrect padding');
  const bytes = Buffer.from(text, 'base64');
  if (encoding !== 'utf8') return bytes.toString(encoding);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return problem('b64decode: the decoded bytes are not valid UTF-8');
  }
}

// Python's hashlib names (sha3_256, blake2b) mapped to OpenSSL's.
function hashName(type: unknown): string {
  if (typeof type !== 'string') return problem(`hash: the hash type must be a string, not ${typeName(type)}`);
  const names: Readonly<Record<string, string>> = { blake2b: 'blake2b512', blake2s: 'blake2s256' };
  const name = names[type.toLowerCase()] ?? type.toLowerCase().replace(/^sha3_/, 'sha3-');
  if (!getHashes().includes(name)) return problem(`hash: unsupported hash type ${JSON.stringify(type)}`);
  return name;
}

const hexDigest = (algorithm: string, value: unknown): string => createHash(algorithm).update(toText(value), 'utf8').digest('hex');

const CRYPT: Readonly<Record<string, 'sha256' | 'sha512'>> = {
  sha512: 'sha512',
  sha512_crypt: 'sha512',
  sha256: 'sha256',
  sha256_crypt: 'sha256',
};
// passlib's default rounds, which Ansible (with passlib, required since ansible-core 2.17) uses when none are given.
const DEFAULT_ROUNDS: Readonly<Record<'sha256' | 'sha512', number>> = { sha512: 656_000, sha256: 535_000 };

// Ansible's password_hash: a SHA-crypt hash. Without `salt` the salt is random, as in Ansible, so the result
// changes on every run; give a salt (e.g. `65534 | random(seed=inventory_hostname) | string`) to keep it stable.
function passwordHash(value: unknown, args: BoundArgs): string {
  const type = arg(args, 'hashtype', 'sha512');
  const algorithm = typeof type === 'string' ? CRYPT[type] : undefined;
  if (!algorithm) return problem(`password_hash: unsupported hash type ${JSON.stringify(type)}; fleetplay supports sha512 and sha256`);
  const rounds = arg(args, 'rounds', DEFAULT_ROUNDS[algorithm]);
  if (typeof rounds !== 'number' || !Number.isInteger(rounds) || rounds < 1000 || rounds > 999_999_999) {
    return problem('password_hash: rounds must be a whole number from 1000 to 999999999');
  }
  const saltSize = arg(args, 'salt_size', 16);
  if (typeof saltSize !== 'number' || !Number.isInteger(saltSize) || saltSize < 0 || saltSize > 16) {
    return problem('password_hash: salt_size must be a whole number up to 16');
  }
  const given = arg(args, 'salt');
  const salt = given === undefined ? randomSalt(saltSize, randomBytes) : toText(given);
  if (!validSalt(salt)) return problem('password_hash: invalid characters in salt (allowed: ./0-9A-Za-z)');
  if (salt.length > 16) return problem('password_hash: salt too large (at most 16 characters)');
  if (value === null) return problem('password_hash: the password must not be none');
  if (given === undefined) return shaCrypt(algorithm, toText(value), salt, rounds);
  // A fixed salt gives a fixed hash, which every run and host recomputes (656000 rounds take a second or
  // two): remembered under a digest of the inputs, so the cache never holds a password in clear.
  const key = createHash('sha256')
    .update(JSON.stringify([algorithm, toText(value), salt, rounds]))
    .digest('hex');
  const known = HASHED.get(key);
  if (known !== undefined) return known;
  const hashed = shaCrypt(algorithm, toText(value), salt, rounds);
  if (HASHED.size >= MAX_HASHED) HASHED.delete(HASHED.keys().next().value ?? '');
  HASHED.set(key, hashed);
  return hashed;
}

const MAX_HASHED = 256;
const HASHED = new Map<string, string>();

// Ansible's to_uuid: a name-based (version 5) UUID in Ansible's own namespace, or in `namespace`.
function toUuid(value: unknown, args: BoundArgs): string {
  const namespace = toText(arg(args, 'namespace', '361e6d51-faec-444a-9079-341386da8e2e'));
  const hex = namespace.replace(/^urn:uuid:|[{}-]/gi, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) return problem(`to_uuid: invalid namespace ${JSON.stringify(namespace)}`);
  const bytes = createHash('sha1').update(Buffer.from(hex, 'hex')).update(toText(value), 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const out = bytes.toString('hex');
  return `${out.slice(0, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}-${out.slice(16, 20)}-${out.slice(20)}`;
}

/** The encoding and digest filters. */
export const ENCODING_FILTERS: FilterEntry[] = [
  [['b64encode'], withParams(['encoding'], (v, a) => Buffer.from(toText(v), encodingOf(a, 'b64encode')).toString('base64'))],
  [['b64decode'], withParams(['encoding'], b64decode)],
  [['hash'], withParams(['hashtype'], (v, a) => hexDigest(hashName(arg(a, 'hashtype', 'sha1')), v))],
  [['checksum'], simple((v) => hexDigest('sha1', v))],
  [['to_uuid'], withParams(['namespace'], toUuid)],
  [
    ['password_hash'],
    {
      signature: { params: ['hashtype', 'salt', 'salt_size', 'rounds', 'ident'], required: 0 },
      apply: passwordHash,
    },
  ],
];
