// Decrypts Ansible Vault text (format 1.1 and 1.2, cipher AES256), exactly as ansible-core's VaultAES256 does.
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

/** The marker every vault payload starts with. */
export const VAULT_HEADER = '$ANSIBLE_VAULT';

/** The outcome of decrypting one vault payload: the plaintext bytes, or why not. */
export type VaultResult = { ok: true; plaintext: Buffer; vaultId?: string } | { ok: false; error: string };

/** The parts of a vault envelope: `$ANSIBLE_VAULT;1.2;AES256;<vault-id>` then hex lines. */
export interface VaultEnvelope {
  version: string;
  cipher: string;
  vaultId?: string;
  /** The hex body with line breaks and indentation removed. */
  body: string;
}

// Ansible's key derivation: PBKDF2-HMAC-SHA256, 10000 rounds, 32 bytes AES key + 32 bytes HMAC key + 16 bytes IV.
const ITERATIONS = 10_000;
const KEY_BYTES = 32;
const IV_BYTES = 16;

/** True when `text` (ignoring leading whitespace) is vault-encrypted. */
export function isVaultText(text: string): boolean {
  return text.trimStart().startsWith(VAULT_HEADER);
}

/** Splits a vault payload into header fields and hex body; a string is a format error message. */
export function parseEnvelope(text: string): VaultEnvelope | string {
  const lines = text
    .trim()
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim());
  const header = (lines[0] ?? '').split(';').map((part) => part.trim());
  if (header[0] !== VAULT_HEADER || header.length < 3) return `not an Ansible Vault header: '${(lines[0] ?? '').slice(0, 60)}'`;
  const [, version = '', cipher = '', vaultId] = header;
  if (version !== '1.1' && version !== '1.2') return `unsupported Ansible Vault format version '${version}' (1.1 and 1.2 are supported)`;
  if (cipher !== 'AES256') return `unsupported Ansible Vault cipher '${cipher}' (only AES256 is supported)`;
  const body = lines.slice(1).join('');
  return vaultId === undefined ? { version, cipher, body } : { version, cipher, vaultId, body };
}

/** Decrypts a vault payload with the first password whose HMAC matches. */
export function decryptVault(text: string, passwords: readonly string[]): VaultResult {
  const envelope = parseEnvelope(text);
  if (typeof envelope === 'string') return { ok: false, error: envelope };
  const parts = splitBody(envelope.body);
  if (typeof parts === 'string') return { ok: false, error: parts };
  for (const password of passwords) {
    const plaintext = decryptWith(parts, password);
    if (typeof plaintext === 'string') return { ok: false, error: plaintext };
    if (plaintext) return envelope.vaultId === undefined ? { ok: true, plaintext } : { ok: true, plaintext, vaultId: envelope.vaultId };
  }
  return { ok: false, error: 'HMAC mismatch: wrong vault password' };
}

interface VaultParts {
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

// The body is hex of "hex(salt)\nhex(hmac)\nhex(ciphertext)".
function splitBody(body: string): VaultParts | string {
  const inner = unhex(body);
  if (inner === undefined) return 'Ansible Vault body is not valid hexadecimal';
  const [salt, hmac, ciphertext, ...rest] = inner.toString('latin1').split('\n');
  if (salt === undefined || hmac === undefined || ciphertext === undefined || rest.length > 0) {
    return 'Ansible Vault body must hold salt, HMAC and ciphertext';
  }
  const parts = { salt: unhex(salt), hmac: unhex(hmac), ciphertext: unhex(ciphertext) };
  if (!parts.salt || !parts.hmac || !parts.ciphertext) return 'Ansible Vault salt, HMAC or ciphertext is not valid hexadecimal';
  if (parts.hmac.length !== 32) return 'Ansible Vault HMAC must be 32 bytes (SHA-256)';
  if (parts.ciphertext.length === 0 || parts.ciphertext.length % 16 !== 0)
    return 'Ansible Vault ciphertext is not a whole number of AES blocks';
  return { salt: parts.salt, hmac: parts.hmac, ciphertext: parts.ciphertext };
}

// Undefined when the password is wrong; a string when the HMAC matched but the padding is broken.
function decryptWith(parts: VaultParts, password: string): Buffer | string | undefined {
  const derived = pbkdf2Sync(Buffer.from(password, 'utf8'), parts.salt, ITERATIONS, 2 * KEY_BYTES + IV_BYTES, 'sha256');
  const aesKey = derived.subarray(0, KEY_BYTES);
  const hmacKey = derived.subarray(KEY_BYTES, 2 * KEY_BYTES);
  const iv = derived.subarray(2 * KEY_BYTES);
  const expected = createHmac('sha256', hmacKey).update(parts.ciphertext).digest();
  // Constant-time comparison, as Ansible's _is_equal: the check must not leak how many bytes matched.
  if (!timingSafeEqual(expected, parts.hmac)) return undefined;
  const decipher = createDecipheriv('aes-256-ctr', aesKey, iv);
  const padded = Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  return unpad(padded) ?? 'Ansible Vault plaintext has invalid PKCS#7 padding';
}

// PKCS#7 with 16-byte blocks; undefined when the padding is malformed.
function unpad(padded: Buffer): Buffer | undefined {
  const n = padded[padded.length - 1] ?? 0;
  if (n < 1 || n > 16 || n > padded.length) return undefined;
  for (let i = padded.length - n; i < padded.length; i++) if (padded[i] !== n) return undefined;
  return padded.subarray(0, padded.length - n);
}

function unhex(text: string): Buffer | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return Buffer.from(text, 'hex');
}
