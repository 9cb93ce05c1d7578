// Reads OpenPGP public keys on the controller (RFC 4880, RFC 9580) so apt_key can store a vendor key
// dearmored and check a pinned fingerprint without gpg on the target. It parses only what a keyring
// file needs (packet framing, key packets, user ids); it verifies no signatures.
import { createHash } from 'node:crypto';

/** A key that cannot be used: bad armor, corrupt or truncated data, a private key, or no key at all. */
export class KeyFormatError extends Error {
  override name = 'KeyFormatError';
}

/** Fingerprint (uppercase hex) and key ID (16 uppercase hex) of a primary key or subkey. */
export interface KeyIdentity {
  fingerprint: string;
  keyId: string;
}

/** One primary key (tag 6) with its user ids and subkeys, in packet order. */
export interface PublicKeyInfo extends KeyIdentity {
  version: number;
  algorithm: number;
  created: Date;
  userIds: string[];
  subkeys: KeyIdentity[];
}

/** A parsed keyring: the binary OpenPGP bytes (what goes into /etc/apt/keyrings) and its keys. */
export interface Keyring {
  binary: Buffer;
  keys: PublicKeyInfo[];
}

/** Outcome of comparing a keyring with a pinned fingerprint; `reason` says what was found. */
export interface FingerprintMatch {
  matched: boolean;
  reason: string;
}

const PRIVATE_KEY = 'this is a private (secret) key: refusing it; export the public key with gpg --export';

// RFC 4880 §6.1: CRC-24 with generator 0x864CFB, initialised to 0xB704CE.
function crc24(data: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

function describeBlockType(type: string): string {
  if (type === 'PRIVATE KEY BLOCK' || type === 'SECRET KEY BLOCK') return PRIVATE_KEY;
  if (type === 'SIGNATURE') return 'this is a signature (BEGIN PGP SIGNATURE), not a public key';
  if (type === 'SIGNED MESSAGE') return 'this is a clearsigned message (BEGIN PGP SIGNED MESSAGE), not a public key';
  if (type === 'MESSAGE') return 'this is an OpenPGP message (BEGIN PGP MESSAGE), not a public key';
  return `this is a "PGP ${type}" block, not a public key (BEGIN PGP PUBLIC KEY BLOCK)`;
}

/** Decodes the first ASCII-armored "PGP PUBLIC KEY BLOCK" in `text` to binary OpenPGP, checking its CRC24. */
export function dearmor(text: string): Buffer {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const begin = lines.findIndex((line) => /^-----BEGIN PGP .+-----$/.test(line));
  if (begin < 0) throw new KeyFormatError('no OpenPGP armor found (expected a line "-----BEGIN PGP PUBLIC KEY BLOCK-----")');
  const type = (lines[begin] ?? '').slice('-----BEGIN PGP '.length, -'-----'.length);
  if (type !== 'PUBLIC KEY BLOCK') throw new KeyFormatError(describeBlockType(type));
  const end = lines.indexOf('-----END PGP PUBLIC KEY BLOCK-----', begin + 1);
  if (end < 0) throw new KeyFormatError('armor has no "-----END PGP PUBLIC KEY BLOCK-----" line: the key is cut off');
  let body = lines.slice(begin + 1, end);
  // Armor headers ("Version: …", "Comment: …") end at a blank line; base64 never contains ':'.
  if (body[0] !== undefined && /^[A-Za-z][\w-]*:/.test(body[0])) {
    const blank = body.indexOf('');
    if (blank < 0) throw new KeyFormatError('armor headers are not followed by a blank line');
    body = body.slice(blank + 1);
  }
  body = body.filter((line) => line !== '');
  let checksum: string | undefined;
  const last = body[body.length - 1];
  if (last?.startsWith('=')) {
    checksum = last.slice(1);
    body = body.slice(0, -1);
  }
  const base64 = body.join('');
  if (base64 === '') throw new KeyFormatError('the armored key block is empty');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    throw new KeyFormatError('the armored key is not valid base64: the key is corrupt');
  }
  const binary = Buffer.from(base64, 'base64');
  if (checksum !== undefined) {
    if (!/^[A-Za-z0-9+/]{4}$/.test(checksum)) throw new KeyFormatError(`invalid armor checksum line "=${checksum}"`);
    const wanted = Buffer.from(checksum, 'base64').readUIntBE(0, 3);
    if (crc24(binary) !== wanted) throw new KeyFormatError('armor checksum mismatch: the key is corrupt');
  }
  return binary;
}

interface Packet {
  tag: number;
  offset: number;
  body: Buffer;
}

// RFC 9580 §4.2: one packet header (old or new format) and its body, starting at `offset`.
function readPacket(data: Buffer, offset: number): Packet & { next: number } {
  const first = data[offset] ?? 0;
  if ((first & 0x80) === 0) {
    throw new KeyFormatError(`trailing garbage at byte ${offset}: not an OpenPGP packet (byte 0x${first.toString(16).padStart(2, '0')})`);
  }
  const need = (n: number): void => {
    if (n > data.length) throw new KeyFormatError(`packet at byte ${offset} is truncated at byte ${data.length}: the key is cut off`);
  };
  let tag: number;
  let pos = offset + 1;
  let length: number;
  if (first & 0x40) {
    tag = first & 0x3f;
    need(pos + 1);
    const o1 = data[pos++] ?? 0;
    if (o1 < 192) length = o1;
    else if (o1 < 224) {
      need(pos + 1);
      length = ((o1 - 192) << 8) + (data[pos++] ?? 0) + 192;
    } else if (o1 === 255) {
      need(pos + 4);
      length = data.readUInt32BE(pos);
      pos += 4;
    } else {
      throw new KeyFormatError(`packet at byte ${offset} uses partial body lengths, which key packets never use`);
    }
  } else {
    tag = (first >> 2) & 0x0f;
    const lengthType = first & 0x03;
    if (lengthType === 3) throw new KeyFormatError(`packet at byte ${offset} has an indeterminate length, which key packets never use`);
    const size = 1 << lengthType;
    need(pos + size);
    length = data.readUIntBE(pos, size);
    pos += size;
  }
  need(pos + length);
  return { tag, offset, body: data.subarray(pos, pos + length), next: pos + length };
}

// RFC 9580 §5.5.4: v4 = SHA-1 over 0x99 || 2-byte length || body; v5/v6 = SHA-256 over 0x9A/0x9B || 4-byte length || body.
function keyIdentity(packet: Packet): KeyIdentity & { version: number; algorithm: number; created: Date } {
  const { body } = packet;
  const version = body[0] ?? 0;
  if (version !== 4 && version !== 5 && version !== 6) {
    throw new KeyFormatError(`key packet at byte ${packet.offset} has version ${version}; only v4, v5 and v6 keys are supported`);
  }
  if (body.length < 6) throw new KeyFormatError(`key packet at byte ${packet.offset} is too short (${body.length} bytes)`);
  const created = new Date(body.readUInt32BE(1) * 1000);
  const algorithm = body[5] ?? 0;
  if (version === 4) {
    const head = Buffer.from([0x99, body.length >> 8, body.length & 0xff]);
    const fingerprint = createHash('sha1').update(head).update(body).digest('hex').toUpperCase();
    return { fingerprint, keyId: fingerprint.slice(-16), version, algorithm, created };
  }
  const head = Buffer.alloc(5);
  head[0] = version === 5 ? 0x9a : 0x9b;
  head.writeUInt32BE(body.length, 1);
  const fingerprint = createHash('sha256').update(head).update(body).digest('hex').toUpperCase();
  return { fingerprint, keyId: fingerprint.slice(0, 16), version, algorithm, created };
}

/** Parses armored text or binary OpenPGP into its public keys; refuses private keys and damaged data. */
export function readKeyring(input: string | Buffer): Keyring {
  const isBinary = Buffer.isBuffer(input) && input.length > 0 && ((input[0] ?? 0) & 0x80) !== 0;
  const binary = isBinary ? input : dearmor(Buffer.isBuffer(input) ? input.toString('utf8') : input);
  const keys: PublicKeyInfo[] = [];
  for (let offset = 0; offset < binary.length; ) {
    const packet = readPacket(binary, offset);
    offset = packet.next;
    const current = keys[keys.length - 1];
    switch (packet.tag) {
      case 5:
      case 7:
        throw new KeyFormatError(PRIVATE_KEY);
      case 6: {
        const { fingerprint, keyId, version, algorithm, created } = keyIdentity(packet);
        keys.push({ fingerprint, keyId, version, algorithm, created, userIds: [], subkeys: [] });
        break;
      }
      case 13:
        if (!current) throw new KeyFormatError(`user id at byte ${packet.offset} comes before any public key`);
        current.userIds.push(packet.body.toString('utf8'));
        break;
      case 14: {
        if (!current) throw new KeyFormatError(`subkey at byte ${packet.offset} comes before any public key`);
        const { fingerprint, keyId } = keyIdentity(packet);
        current.subkeys.push({ fingerprint, keyId });
        break;
      }
      case 0:
        throw new KeyFormatError(`packet at byte ${packet.offset} has the reserved tag 0: the key is corrupt`);
      default:
        // Signatures, trust and user attribute packets belong in a keyring; they need no parsing here.
        break;
    }
  }
  if (keys.length === 0) throw new KeyFormatError('no public key packet found: this is not an OpenPGP public key');
  return { binary, keys };
}

/** Groups a fingerprint the way gpg prints it: blocks of 4 hex, two spaces in the middle. */
export function formatFingerprint(hex: string): string {
  if (hex.length !== 40 && hex.length !== 64) return hex;
  const groups = hex.match(/.{4}/g) ?? [];
  const half = groups.length / 2;
  return `${groups.slice(0, half).join(' ')}  ${groups.slice(half).join(' ')}`;
}

function label(key: PublicKeyInfo): string {
  return `${formatFingerprint(key.fingerprint)} (${key.userIds[0] ?? 'no user id'})`;
}

/** Compares a keyring with a pinned full fingerprint or 16-hex long key ID (primary keys and subkeys). */
export function matchFingerprint(keyring: Keyring, wanted: string): FingerprintMatch {
  const normal = wanted.replace(/\s+/g, '').replace(/^0x/i, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(normal)) {
    return { matched: false, reason: `"${wanted}" is not a hex fingerprint` };
  }
  if (normal.length === 8) {
    return {
      matched: false,
      reason: `"${wanted}" is a short (8 hex) key ID, which is insecure: short IDs collide easily; pin the full fingerprint`,
    };
  }
  if (normal.length !== 16 && normal.length !== 40 && normal.length !== 64) {
    return {
      matched: false,
      reason: `"${wanted}" has ${normal.length} hex digits; expected a fingerprint (40 hex for v4, 64 for v6) or a 16 hex long key ID`,
    };
  }
  const field = normal.length === 16 ? 'keyId' : 'fingerprint';
  for (const key of keyring.keys) {
    if (key[field] === normal) return { matched: true, reason: `key ${label(key)} matches the wanted fingerprint` };
    const subkey = key.subkeys.find((sub) => sub[field] === normal);
    if (subkey) {
      return {
        matched: true,
        reason: `subkey ${formatFingerprint(subkey.fingerprint)} of key ${label(key)} matches the wanted fingerprint`,
      };
    }
  }
  const found = keyring.keys.map((key) => `key ${label(key)}`).join(', ');
  const verb = keyring.keys.length === 1 ? 'does' : 'do';
  return { matched: false, reason: `${found || 'no key'} ${verb} not match the wanted fingerprint ${formatFingerprint(normal)}` };
}

/** One line per primary key, grouped fingerprint then first user id, for a keyring file's diff. */
export function describeKeys(keyring: Keyring): string[] {
  return keyring.keys.map((key) => `${formatFingerprint(key.fingerprint)} ${key.userIds[0] ?? '(no user id)'}`);
}
