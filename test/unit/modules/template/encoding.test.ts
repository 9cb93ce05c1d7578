// The cp1252 (windows-1252) codec of output_encoding, with Python's strictness (template target encoding_1252).
import { describe, expect, it } from 'vitest';
import { textCodec } from '../../../../modules/lib/lineEditEncoding.ts';

describe('cp1252', () => {
  it('round-trips its printable characters and refuses what Python refuses', () => {
    const codec = textCodec('windows-1252');
    if (!codec) throw new Error('expected a codec');
    expect(codec.encode('é€…').toString('hex')).toBe('e98085');
    expect(codec.decode(Buffer.from('e98085', 'hex'))).toBe('é€…');
    expect(() => codec.encode('Ω')).toThrow(/can't encode/);
    expect(() => codec.decode(Buffer.from([0x81]))).toThrow(/can't decode byte 0x81/);
    expect(textCodec('CP1252')?.name).toBe('cp1252');
  });
});
