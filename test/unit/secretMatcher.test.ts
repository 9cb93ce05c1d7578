// Redaction by value with many or long secrets (#12, found again in #13's clean-clone run: one regular
// expression alternating every value made V8's regex compiler abort the process, out of memory).
import { describe, expect, it } from 'vitest';
import { SecretMatcher } from '../../engine/secretMatcher.ts';
import { MASK, Secrets } from '../../engine/secrets.ts';

describe('SecretMatcher', () => {
  it('masks every occurrence; overlapping and touching values become one mask; the rest is kept', () => {
    const m = new SecretMatcher(['abcdefghij', 'abcdef', 'hijklm', 'zz9']);
    expect(m.mask('x abcdefghij y abcdef', '#')).toBe('x # y #');
    expect(m.mask('abcdefghijklm!', '#')).toBe('#!');
    expect(m.mask('zz9zz9 and zz8', '#')).toBe('# and zz8');
    expect(m.mask('nothing here', '#')).toBe('nothing here');
  });

  it('finds values after a partial match fails (failure links), and in non-ASCII text', () => {
    const m = new SecretMatcher(['aab', 'ab', 'pässwört']);
    expect(m.mask('aaab', '#')).toBe('a#');
    expect(m.mask('xx pässwört yy', '#')).toBe('xx # yy');
  });

  it('handles three secrets of 100 KB (one alternation of them is a regular expression too large for V8)', () => {
    const long = Array.from({ length: 3 }, (_, i) => `${i}-${'k'.repeat(100_000)}`);
    const s = new Secrets();
    s.add(long);
    expect(s.redact(`a ${long[1]} b`)).toBe(`a ${MASK} b`);
  });

  it('handles 50,000 secrets of 32 characters and a 1 MB text', () => {
    const values = Array.from({ length: 50_000 }, (_, i) => `tok-${i.toString(36).padStart(8, '0')}-${'s'.repeat(19)}`);
    const s = new Secrets();
    s.add(values);
    const text = `${'.'.repeat(1_000_000)} ${values[12_345]} end`;
    const out = s.redact(text);
    expect(out.endsWith(` ${MASK} end`)).toBe(true);
    expect(out.length).toBe(1_000_000 + MASK.length + 5);
  });
});
