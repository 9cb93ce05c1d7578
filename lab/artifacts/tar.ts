// A minimal, deterministic tar (ustar) writer for the small archives the lab builds itself (the smoke-test image).
// Fixed owner root:root (numeric), fixed mtime, entries in the order given: the same input gives the same bytes.
import { LabError } from '../types.ts';

/** One archive member: a regular file, a directory or a symbolic link. */
export type TarEntry =
  | { type: 'file'; name: string; mode: number; data: Buffer }
  | { type: 'dir'; name: string; mode: number }
  | { type: 'symlink'; name: string; target: string };

const BLOCK = 512;

/** The tar archive (ustar) of these entries, every member dated mtime (seconds since the epoch). */
export function tarArchive(entries: TarEntry[], mtime: number): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.type === 'file' ? e.data : Buffer.alloc(0);
    parts.push(header(e, data.length, mtime), data, Buffer.alloc(padding(data.length)));
  }
  // Two zero blocks end the archive.
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function header(e: TarEntry, size: number, mtime: number): Buffer {
  const name = e.type === 'dir' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
  if (Buffer.byteLength(name) > 100) throw new LabError(`tar member name longer than 100 bytes: ${name}`);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  writeOctal(h, 100, 8, e.type === 'symlink' ? 0o777 : e.mode);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, mtime);
  h.write(' '.repeat(8), 148, 8, 'ascii');
  h.write(e.type === 'file' ? '0' : e.type === 'dir' ? '5' : '2', 156, 1, 'ascii');
  if (e.type === 'symlink') h.write(e.target, 157, 100, 'utf8');
  h.write('ustar\u000000', 257, 8, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  // The checksum field: six octal digits, NUL, space.
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return h;
}

function writeOctal(h: Buffer, offset: number, width: number, value: number): void {
  h.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'ascii');
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
