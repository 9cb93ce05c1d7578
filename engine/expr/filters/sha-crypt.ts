// SHA-crypt ($5$ SHA-256, $6$ SHA-512) as glibc and passlib compute it (Ulrich Drepper's specification).
import { createHash, type BinaryLike } from 'node:crypto';

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Rounds used when none are given in the setting; the hash then omits `rounds=`. */
export const IMPLICIT_ROUNDS = 5000;
const MIN_ROUNDS = 1000;
const MAX_ROUNDS = 999_999_999;

// The byte order in which each algorithm spreads its digest over the base-64 output.
const ORDER: Readonly<Record<'sha256' | 'sha512', readonly number[][]>> = {
  sha512: [
    [0, 21, 42],
    [22, 43, 1],
    [44, 2, 23],
    [3, 24, 45],
    [25, 46, 4],
    [47, 5, 26],
    [6, 27, 48],
    [28, 49, 7],
    [50, 8, 29],
    [9, 30, 51],
    [31, 52, 10],
    [53, 11, 32],
    [12, 33, 54],
    [34, 55, 13],
    [56, 14, 35],
    [15, 36, 57],
    [37, 58, 16],
    [59, 17, 38],
    [18, 39, 60],
    [40, 61, 19],
    [62, 20, 41],
    [63],
  ],
  sha256: [
    [0, 10, 20],
    [21, 1, 11],
    [12, 22, 2],
    [3, 13, 23],
    [24, 4, 14],
    [15, 25, 5],
    [6, 16, 26],
    [27, 7, 17],
    [18, 28, 8],
    [9, 19, 29],
    [31, 30],
  ],
};

function digest(algorithm: string, ...parts: BinaryLike[]): Buffer {
  const hash = createHash(algorithm);
  for (const part of parts) hash.update(part);
  return hash.digest();
}

// `length` bytes of `source` repeated.
function repeat(source: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = source[i % source.length] ?? 0;
  return out;
}

function encode(bytes: Buffer, order: readonly number[][]): string {
  let out = '';
  for (const group of order) {
    const [a = 0, b, c] = group.map((i) => bytes[i] ?? 0);
    const chars = group.length === 3 ? 4 : group.length === 2 ? 3 : 2;
    let value = group.length === 3 ? (a << 16) | ((b ?? 0) << 8) | (c ?? 0) : group.length === 2 ? (a << 8) | (b ?? 0) : a;
    for (let i = 0; i < chars; i++) {
      out += ALPHABET[value & 63];
      value >>= 6;
    }
  }
  return out;
}

/** The crypt string of `password` with `salt` (up to 16 characters are used) and `rounds` (clamped to 1000–999999999). */
export function shaCrypt(algorithm: 'sha256' | 'sha512', password: string, salt: string, rounds = IMPLICIT_ROUNDS): string {
  const key = Buffer.from(password, 'utf8');
  const saltBytes = Buffer.from(salt, 'utf8').subarray(0, 16);
  const count = Math.min(MAX_ROUNDS, Math.max(MIN_ROUNDS, rounds));
  const size = algorithm === 'sha512' ? 64 : 32;
  const alternate = digest(algorithm, key, saltBytes, key);
  const start = createHash(algorithm).update(key).update(saltBytes).update(repeat(alternate, key.length));
  for (let n = key.length; n > 0; n >>= 1) start.update(n & 1 ? alternate : key);
  let current = start.digest();
  const p = repeat(digest(algorithm, ...Array<Buffer>(key.length).fill(key)), key.length);
  const s = repeat(digest(algorithm, ...Array<Buffer>(16 + (current[0] ?? 0)).fill(saltBytes)), saltBytes.length);
  for (let i = 0; i < count; i++) {
    const hash = createHash(algorithm);
    hash.update(i & 1 ? p : current);
    if (i % 3) hash.update(s);
    if (i % 7) hash.update(p);
    hash.update(i & 1 ? current : p);
    current = hash.digest();
  }
  const id = algorithm === 'sha512' ? '6' : '5';
  const setting = count === IMPLICIT_ROUNDS ? `$${id}$${saltBytes}` : `$${id}$rounds=${count}$${saltBytes}`;
  return `${setting}$${encode(current.subarray(0, size), ORDER[algorithm])}`;
}

/** A random salt of `size` characters from the crypt alphabet. */
export function randomSalt(size: number, random: (n: number) => Buffer): string {
  return Array.from(random(size), (byte) => ALPHABET[byte & 63]).join('');
}

/** True when every character of `salt` is in the crypt alphabet. */
export function validSalt(salt: string): boolean {
  return [...salt].every((ch) => ALPHABET.includes(ch));
}
