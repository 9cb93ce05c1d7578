// OpenSSH known_hosts: parsing, host matching (plain, hashed, wildcard, negated) and host-key verdicts.
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { MAX_SOURCE_BYTES, readControllerFile } from '../controllerFile.ts';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { globMatches } from './hostGlob.ts';

/** A line marker: `@revoked` keys are never accepted, `@cert-authority` keys only sign host certificates. */
export type KnownHostMarker = '@revoked' | '@cert-authority';

/** One public key from a known_hosts line, with where it came from. */
export interface KnownHostKey {
  type: string;
  /** The raw SSH public key blob (the base64 field, decoded). */
  key: Buffer;
  file: string;
  line: number;
  marker?: KnownHostMarker;
}

/** The host field of a line: one hashed name, or a comma-separated list of (possibly negated) globs. */
export type HostField =
  | { kind: 'hashed'; salt: Buffer; hash: Buffer }
  | { kind: 'patterns'; patterns: Array<{ negated: boolean; glob: string }> };

/** A parsed known_hosts line: its key plus the hosts it applies to. */
export interface KnownHostEntry extends KnownHostKey {
  hosts: HostField;
}

/** The known_hosts files read for a run; `file` is the first one, where new keys get appended. */
export interface KnownHosts {
  file: string;
  files: string[];
  entries: KnownHostEntry[];
  /** Lines that were skipped, as `file:line: reason`. */
  warnings: string[];
}

/** The outcome of checking a presented host key against known_hosts. */
export type HostKeyVerdict =
  | { kind: 'match' }
  | { kind: 'mismatch'; expected: string[]; got: string; file: string; line: number }
  | { kind: 'unknown'; certAuthority?: { file: string; line: number } }
  | { kind: 'revoked'; file: string; line: number };

const MARKERS: readonly string[] = ['@revoked', '@cert-authority'];
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SHA1_LENGTH = 20;
// Read as an empty file, never opened (it is a device, which readControllerFile refuses).
const DEV_NULL = '/dev/null';

// ssh2's supported server host key algorithms, strongest first: the order we ask it to prefer.
const ALGORITHM_PREFERENCE: readonly ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
  'ssh-dss',
];

/** Reads known_hosts files in order; a missing file counts as empty, malformed lines become warnings. */
export function loadKnownHosts(files: string[]): KnownHosts {
  const kh: KnownHosts = { file: files[0] ?? '', files: [...files], entries: [], warnings: [] };
  for (const file of files) {
    const text = readIfExists(file);
    if (text === undefined) continue;
    text.split(/\r?\n/).forEach((raw, index) => {
      const parsed = parseLine(raw, file, index + 1);
      if (typeof parsed === 'string') kh.warnings.push(`${file}:${index + 1}: ${parsed}`);
      else if (parsed) kh.entries.push(parsed);
    });
  }
  return kh;
}

/** The name OpenSSH looks a host up by: `host` on port 22, `[host]:port` otherwise (lower-cased). */
export function hostKeyName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 || port === 0 ? name : `[${name}]:${port}`;
}

/** The plain (unmarked) keys whose host field matches, minus any key also revoked for this host. */
export function keysFor(kh: KnownHosts, host: string, port: number): KnownHostKey[] {
  const matching = entriesFor(kh, hostKeyName(host, port));
  const revoked = matching.filter((e) => e.marker === '@revoked');
  return matching
    .filter((e) => e.marker === undefined && !revoked.some((r) => r.key.equals(e.key)))
    .map(({ type, key, file, line }) => ({ type, key, file, line }));
}

/** Checks the key a server presented: revoked beats match; a known host with no equal key is a mismatch. */
export function verifyHostKey(kh: KnownHosts, host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const matching = entriesFor(kh, hostKeyName(host, port));
  const revoked = matching.find((e) => e.marker === '@revoked' && e.key.equals(keyBlob));
  if (revoked) return { kind: 'revoked', file: revoked.file, line: revoked.line };
  const known = matching.filter((e) => e.marker === undefined);
  if (known.length === 0) {
    // ssh2 cannot negotiate OpenSSH host certificates, so a CA line can never vouch for a host here:
    // say so, rather than let the user wonder why a CA-signed host is "unknown".
    const ca = matching.find((e) => e.marker === '@cert-authority');
    return ca ? { kind: 'unknown', certAuthority: { file: ca.file, line: ca.line } } : { kind: 'unknown' };
  }
  if (known.some((e) => e.key.equals(keyBlob))) return { kind: 'match' };
  // Point at a line of the same key type when there is one: that is the line the user must fix.
  const presentedType = safeKeyType(keyBlob);
  const culprit = known.find((e) => e.type === presentedType) ?? known[0]!;
  const expected = [...new Set(known.map((e) => fingerprint(e.key)))];
  return { kind: 'mismatch', expected, got: fingerprint(keyBlob), file: culprit.file, line: culprit.line };
}

/** The OpenSSH SHA256 fingerprint of a key blob: `SHA256:` and unpadded base64. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named by a blob's first SSH string, e.g. `ssh-ed25519`; throws on a truncated blob. */
export function keyTypeOf(keyBlob: Buffer): string {
  const first = readSshStrings(keyBlob, 1)[0];
  if (first === undefined) throw new Error('SSH key blob is empty');
  return first.toString('latin1');
}

/** Appends `name type base64` for a host, creating the directory (0700) and file (0600) if needed. */
export function appendKnownHost(file: string, host: string, port: number, keyBlob: Buffer): void {
  const type = keyTypeOf(keyBlob);
  if (file === DEV_NULL) return; // ssh config `UserKnownHostsFile /dev/null`: keys are never recorded
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const existing = readIfExists(file);
  // Never glue our line onto a last line that lacks its newline.
  const separator = existing && !existing.endsWith('\n') ? '\n' : '';
  const line = `${hostKeyName(host, port)} ${type} ${keyBlob.toString('base64')}\n`;
  appendFileSync(file, separator + line, { mode: 0o600 });
}

/** Host key algorithms for ssh2's `algorithms.serverHostKey`, limited to the known types; undefined if none. */
export function hostKeyAlgorithmsFor(kh: KnownHosts, host: string, port: number): ServerHostKeyAlgorithm[] | undefined {
  const types = new Set(keysFor(kh, host, port).map((k) => k.type));
  if (types.has('ssh-rsa')) types.add('rsa-sha2-512').add('rsa-sha2-256');
  // Types ssh2 cannot negotiate (e.g. sk-*) are dropped: ssh2 throws on unsupported names.
  const algorithms = ALGORITHM_PREFERENCE.filter((a) => types.has(a));
  return algorithms.length > 0 ? algorithms : undefined;
}

// Every entry whose host field matches, whatever its marker; callers pick the markers they want.
function entriesFor(kh: KnownHosts, name: string): KnownHostEntry[] {
  return kh.entries.filter((e) => hostFieldMatches(e.hosts, name));
}

function hostFieldMatches(hosts: HostField, name: string): boolean {
  if (hosts.kind === 'hashed') {
    return createHmac('sha1', hosts.salt).update(name).digest().equals(hosts.hash);
  }
  // OpenSSH: a matching negated pattern rejects the host outright, whatever else matches.
  let matched = false;
  for (const { negated, glob } of hosts.patterns) {
    if (!globMatches(glob, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

// Returns the entry, a warning for a malformed line, or undefined for a blank line or comment.
function parseLine(raw: string, file: string, line: number): KnownHostEntry | string | undefined {
  const text = raw.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const fields = text.split(/\s+/);
  let marker: KnownHostMarker | undefined;
  if (fields[0]?.startsWith('@')) {
    const word = fields.shift()!;
    if (!MARKERS.includes(word)) return `unknown marker ${word}`;
    marker = word as KnownHostMarker;
  }
  const [hostText, type, encoded] = fields;
  if (!hostText || !type || !encoded) return 'expected "hosts key-type base64-key"';
  const hosts = parseHostField(hostText);
  if (typeof hosts === 'string') return hosts;
  if (!BASE64.test(encoded)) return 'key is not valid base64';
  const key = Buffer.from(encoded, 'base64');
  let fieldsInBlob: Buffer[];
  try {
    fieldsInBlob = readSshStrings(key);
  } catch {
    return 'key is not an SSH public key blob';
  }
  const blobType = fieldsInBlob[0]?.toString('latin1');
  if (fieldsInBlob.length < 2 || blobType !== type) return `key type ${type} does not match the key (${blobType})`;
  return marker ? { type, key, file, line, marker, hosts } : { type, key, file, line, hosts };
}

function parseHostField(text: string): HostField | string {
  if (text.startsWith('|')) {
    const m = /^\|1\|([^|]+)\|([^|]+)$/.exec(text);
    if (!m || !BASE64.test(m[1]!) || !BASE64.test(m[2]!)) return 'malformed hashed host name';
    const salt = Buffer.from(m[1]!, 'base64');
    const hash = Buffer.from(m[2]!, 'base64');
    if (salt.length !== SHA1_LENGTH || hash.length !== SHA1_LENGTH) return 'hashed host name has the wrong length';
    return { kind: 'hashed', salt, hash };
  }
  const patterns = text
    .split(',')
    .filter((p) => p !== '' && p !== '!')
    .map((p) => (p.startsWith('!') ? { negated: true, glob: p.slice(1) } : { negated: false, glob: p }));
  if (patterns.length === 0) return 'empty host list';
  return { kind: 'patterns', patterns };
}

// Splits a blob into its length-prefixed fields (every public key type is made only of these).
// With `limit`, stops after that many fields; otherwise the fields must cover the blob exactly.
function readSshStrings(blob: Buffer, limit = Infinity): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  while (offset < blob.length && out.length < limit) {
    if (offset + 4 > blob.length) throw new Error('SSH key blob is truncated');
    const length = blob.readUInt32BE(offset);
    const end = offset + 4 + length;
    if (end > blob.length) throw new Error('SSH key blob is truncated');
    out.push(blob.subarray(offset + 4, end));
    offset = end;
  }
  return out;
}

function safeKeyType(keyBlob: Buffer): string | undefined {
  try {
    return keyTypeOf(keyBlob);
  } catch {
    return undefined;
  }
}

function readIfExists(file: string): string | undefined {
  if (file === DEV_NULL) return undefined;
  try {
    statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  // A FIFO or device named as a known_hosts file is refused by name, never read blocking.
  return readControllerFile(file, { what: 'known_hosts file', maxBytes: MAX_SOURCE_BYTES }).toString('utf8');
}
