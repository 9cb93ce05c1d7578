// Python's random.Random (Mersenne Twister MT19937, seeded as CPython seeds it), so that Ansible's
// `random(seed=...)` picks the same number or item as Ansible does for the same seed.
import { createHash } from 'node:crypto';

const N = 624;
const M = 397;

/** A seeded generator with the draws the random filter needs: randrange and choice. */
export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  /** Seeds like random.Random(seed) (version 2): a string through SHA-512, a whole number as its absolute value. */
  constructor(seed: string | number) {
    this.initByArray(seedWords(seed));
  }

  private initGenrand(s: number): void {
    this.mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1] ?? 0;
      this.mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: readonly number[]): void {
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = this.mt[i - 1] ?? 0;
      this.mt[i] = (((this.mt[i] ?? 0) ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + (key[j] ?? 0) + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        this.mt[0] = this.mt[N - 1] ?? 0;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = this.mt[i - 1] ?? 0;
      this.mt[i] = (((this.mt[i] ?? 0) ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        this.mt[0] = this.mt[N - 1] ?? 0;
        i = 1;
      }
    }
    this.mt[0] = 0x80000000;
  }

  private next32(): number {
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = ((this.mt[k] ?? 0) & 0x80000000) | ((this.mt[(k + 1) % N] ?? 0) & 0x7fffffff);
        this.mt[k] = (this.mt[(k + M) % N] ?? 0) ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = this.mt[this.index++] ?? 0;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random.getrandbits(k) for k up to 53 bits. */
  private bits(k: number): number {
    if (k <= 32) return k === 0 ? 0 : this.next32() >>> (32 - k);
    // CPython fills words from the least significant end; the last word keeps its top bits.
    const low = this.next32();
    const high = this.next32() >>> (64 - k);
    return high * 2 ** 32 + low;
  }

  /** random._randbelow(n): a uniform whole number in [0, n), by rejection on n's bit length. */
  below(n: number): number {
    const k = n.toString(2).length;
    let r = this.bits(k);
    while (r >= n) r = this.bits(k);
    return r;
  }

  /** random.randrange(start, stop, step) for a positive or negative step; undefined for an empty range. */
  randrange(start: number, stop: number, step: number): number | undefined {
    const width = stop - start;
    if (step === 1) return width > 0 ? start + this.below(width) : undefined;
    const count = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
    return count > 0 ? start + step * this.below(count) : undefined;
  }
}

// CPython's random_seed: the absolute value as 32-bit words, least significant first (a string first becomes
// the big-endian number of its UTF-8 bytes followed by their SHA-512 digest).
function seedWords(seed: string | number): number[] {
  let n: bigint;
  if (typeof seed === 'string') {
    const bytes = Buffer.from(seed, 'utf8');
    const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
    n = BigInt(`0x${all.toString('hex') || '0'}`);
  } else {
    n = BigInt(Math.abs(seed));
  }
  const words: number[] = [];
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  return words.length ? words : [0];
}
