// replace's `encoding`: Python codec names for the text encodings a file may be read and written back in.
// UTF-8 (the default) goes through the transport as text; the others are read as base64 and decoded here.

/** A text encoding: strict decode and encode (each throws on bytes or characters it cannot take). */
export interface TextCodec {
  name: string;
  decode(bytes: Buffer): string;
  encode(text: string): Buffer;
}

const latin1: TextCodec = {
  name: 'latin-1',
  decode: (b) => b.toString('latin1'),
  encode: (t) => {
    // Python's latin-1 refuses characters above U+00FF; Node's would truncate them.
    if (/[^\u0000-\u00ff]/.test(t)) throw new Error("'latin-1' codec can't encode a character above U+00FF");
    return Buffer.from(t, 'latin1');
  },
};

const ascii: TextCodec = {
  name: 'ascii',
  decode: (b) => {
    if (b.some((x) => x > 0x7f)) throw new Error("'ascii' codec can't decode a byte above 0x7f");
    return b.toString('latin1');
  },
  encode: (t) => {
    if (/[^\u0000-\u007f]/.test(t)) throw new Error("'ascii' codec can't encode a character above U+007F");
    return Buffer.from(t, 'latin1');
  },
};

// Python's cp1252: latin-1 with 27 printable characters at 0x80-0x9f; 0x81, 0x8d, 0x8f, 0x90 and 0x9d are undefined.
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
// 0x80-0x9f (the undefined bytes hold U+FFFD, never used); the rest is latin-1. Written out: Node's
// TextDecoder('windows-1252') decodes as latin-1.
const CP1252_HIGH =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';
const CP1252_CHARS = Array.from({ length: 256 }, (_, i) =>
  i >= 0x80 && i < 0xa0 ? (CP1252_HIGH[i - 0x80] ?? '') : String.fromCharCode(i),
);
const CP1252_BYTES = new Map(CP1252_CHARS.map((ch, i) => [ch, i] as const).filter(([, i]) => !CP1252_UNDEFINED.has(i)));

const cp1252: TextCodec = {
  name: 'cp1252',
  decode: (b) => {
    const bad = b.find((x) => CP1252_UNDEFINED.has(x));
    if (bad !== undefined) throw new Error(`'charmap' codec can't decode byte 0x${bad.toString(16)}`);
    return Array.from(b, (x) => CP1252_CHARS[x]).join('');
  },
  encode: (t) => {
    const out: number[] = [];
    for (const ch of t) {
      const byte = CP1252_BYTES.get(ch);
      if (byte === undefined) throw new Error(`'charmap' codec can't encode character ${JSON.stringify(ch)}`);
      out.push(byte);
    }
    return Buffer.from(out);
  },
};

const swap = (b: Buffer): Buffer => {
  const out = Buffer.from(b);
  return out.length % 2 === 0 ? out.swap16() : out;
};

function utf16(name: string, order: 'le' | 'be' | 'bom'): TextCodec {
  const strict = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
  return {
    name,
    decode: (b) => {
      let le = order !== 'be';
      let body = b;
      if (order === 'bom' && b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) [le, body] = [false, b.subarray(2)];
      else if (order === 'bom' && b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) body = b.subarray(2);
      if (body.length % 2 !== 0) throw new Error(`'${name}' codec can't decode an odd number of bytes`);
      return strict.decode(le ? body : swap(body));
    },
    // Python's utf-16 writes a BOM in the machine's order (little-endian on the hosts fleetplay runs on).
    encode: (t) => {
      const le = Buffer.from(t, 'utf16le');
      if (order === 'be') return swap(le);
      return order === 'bom' ? Buffer.concat([Buffer.from([0xff, 0xfe]), le]) : le;
    },
  };
}

const CODECS: ReadonlyMap<string, TextCodec | 'utf-8'> = new Map<string, TextCodec | 'utf-8'>([
  ...['utf8', 'utf', 'u8', 'cp65001'].map((n) => [n, 'utf-8'] as const),
  ...['latin1', 'latin', 'l1', 'iso88591', '8859', 'cp819', 'iso885911987'].map((n) => [n, latin1] as const),
  ...['ascii', 'usascii', '646', 'ansix3.41968'].map((n) => [n, ascii] as const),
  ...['cp1252', 'windows1252'].map((n) => [n, cp1252] as const),
  ['utf16', utf16('utf-16', 'bom')],
  ['utf16le', utf16('utf-16-le', 'le')],
  ['utf16be', utf16('utf-16-be', 'be')],
]);

/**
 * The codec for a Python encoding name (case, '-', '_' and spaces ignored, as Python's lookup), or
 * undefined for UTF-8, which needs none. Throws for a name it does not know.
 */
export function textCodec(name: string | undefined): TextCodec | undefined {
  if (name === undefined) return undefined;
  const key = name.toLowerCase().replace(/[-_\s]/g, '');
  const codec = CODECS.get(key);
  if (codec === undefined)
    throw new Error(`unknown encoding: ${name} (fleetplay knows utf-8, latin-1, ascii, cp1252 and utf-16, -le, -be)`);
  return codec === 'utf-8' ? undefined : codec;
}
