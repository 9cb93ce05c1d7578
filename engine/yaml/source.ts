// Reads a source file (playbook, vars file, inventory) as strict UTF-8, without BOM, decrypting Ansible Vault files.
import { MAX_SOURCE_BYTES, readControllerFile } from '../controllerFile.ts';
import { FleetError, excerptAt, type ErrorKind } from '../errors.ts';
import type { SourceLocation } from '../types.ts';
import { decryptWithKeyring, isVaultText } from '../vault/index.ts';

/** The text of one source file, and whether it was a whole-file Ansible Vault payload. */
export interface SourceText {
  file: string;
  text: string;
  encrypted: boolean;
}

/**
 * Reads `file`; a FIFO, device, directory or file over 16 MiB, unreadable files, invalid UTF-8 and
 * undecryptable vault files are FleetError(kind), at `location` (where the file was named) when given.
 */
export function readSourceFile(file: string, kind: ErrorKind, location?: SourceLocation): SourceText {
  // Never a plain readFileSync: a FIFO would block the controller forever, /dev/zero would never end.
  const bytes = readControllerFile(file, { what: 'file', maxBytes: MAX_SOURCE_BYTES, kind, ...(location ? { location } : {}) });
  const text = decodeUtf8(bytes, file, kind);
  if (!isVaultText(text)) return { file, text, encrypted: false };
  const result = decryptWithKeyring(text);
  if (!result.ok) {
    // The location names the file; the message says what is missing or wrong.
    const message = result.error.startsWith('encrypted with')
      ? `this file is ${result.error}`
      : `cannot decrypt this Ansible Vault file: ${result.error}`;
    throw new FleetError(kind, message, {
      location: { file, line: 1, column: 1 },
      excerpt: excerptAt(text, 1, 1, 0),
    });
  }
  return { file, text: decodeUtf8(result.plaintext, `${file} (decrypted)`, kind), encrypted: true };
}

/** Decodes UTF-8 strictly (a leading BOM is dropped); the first invalid byte is reported at its line:column. */
export function decodeUtf8(bytes: Uint8Array, file: string, kind: ErrorKind): string {
  try {
    // TextDecoder drops a leading BOM unless told not to, which is what Ansible's utf-8-sig reading does too.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const lines = before.split('\n');
    const line = lines.length;
    const column = (lines[lines.length - 1] ?? '').replace(/^\uFEFF/, '').length + 1;
    const shown = new TextDecoder('utf-8').decode(bytes.subarray(0, Math.min(bytes.length, offset + 200)));
    const hex = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
    throw new FleetError(kind, `invalid UTF-8: byte 0x${hex} at offset ${offset} (save the file as UTF-8)`, {
      location: { file, line, column },
      excerpt: excerptAt(shown, line, column, 0),
    });
  }
}

/** Offset of the first byte that breaks UTF-8 (overlongs, surrogates and code points above U+10FFFF included). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Allowed ranges of the second byte per lead byte (RFC 3629, table 3-7 of Unicode).
    let length: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (c < min || c > max) return i;
    }
    i += length;
  }
  return bytes.length;
}
