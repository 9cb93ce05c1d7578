// The controller-side OpenPGP reader against keys made by real gpg (fixtures/openpgp/generate.sh) and
// the RFC 9580 sample keys: dearmoring, fingerprints, pinning, and refusal of anything but a public key.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dearmor, describeKeys, KeyFormatError, matchFingerprint, readKeyring, type PublicKeyInfo } from '../../modules/apt_key/openpgp.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures', 'openpgp');
const text = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');
const bytes = (name: string): Buffer => readFileSync(path.join(fixtures, name));
const PRIVATE = 'this is a private (secret) key: refusing it; export the public key with gpg --export';

// What gpg itself says about a key, from `gpg --with-colons --fingerprint --fingerprint`.
function gpgSays(name: string): PublicKeyInfo {
  // Read as latin1 so the \xNN escapes and the raw UTF-8 bytes both come back as bytes.
  const rows = bytes(`${name}.colons`)
    .toString('latin1')
    .trim()
    .split('\n')
    .map((line) => line.split(':'));
  const pub = rows.find((row) => row[0] === 'pub') ?? [];
  const fprs = rows.filter((row) => row[0] === 'fpr').map((row) => row[9] ?? '');
  const subs = rows.filter((row) => row[0] === 'sub');
  const unescaped = (s: string): string =>
    Buffer.from(
      s.replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  return {
    fingerprint: fprs[0] ?? '',
    keyId: pub[4] ?? '',
    version: 4,
    algorithm: Number(pub[3]),
    created: new Date(Number(pub[5]) * 1000),
    userIds: rows.filter((row) => row[0] === 'uid').map((row) => unescaped(row[9] ?? '')),
    subkeys: subs.map((sub, i) => ({ fingerprint: fprs[i + 1] ?? '', keyId: sub[4] ?? '' })),
  };
}

// gpg's grouping, written differently from the library: 4-hex blocks, an extra space at the middle.
const group = (hex: string): string =>
  hex.replace(/(.{4})(?!$)/g, '$1 ').replace(new RegExp(`^((?:\\S{4} ){${hex.length / 8 - 1}}\\S{4}) `), '$1  ');

function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KeyFormatError);
    return (error as Error).message;
  }
  throw new Error('expected a KeyFormatError');
}

const ed = gpgSays('ed25519');
const rsa = gpgSays('rsa3072');

describe('gpg fixtures', () => {
  it('are what generate.sh should make', () => {
    expect(ed.userIds).toEqual(['Zoë Ed Tester <ed25519@fleetplay.test>', 'Ed Second <second@fleetplay.test>']);
    expect([ed.algorithm, ed.subkeys.length, rsa.algorithm, rsa.subkeys.length]).toEqual([22, 1, 1, 1]);
    expect(group('3DF4CC5219210111E25F93BE4287CC29786DB3DB')).toBe('3DF4 CC52 1921 0111 E25F  93BE 4287 CC29 786D B3DB');
  });
});

describe('dearmor', () => {
  it('equals gpg --export byte for byte', () => {
    expect(dearmor(text('ed25519.asc')).equals(bytes('ed25519.gpg'))).toBe(true);
    expect(dearmor(text('rsa3072.asc')).equals(bytes('rsa3072.gpg'))).toBe(true);
  });

  it('tolerates CRLF, surrounding text, armor headers and a missing checksum', () => {
    const withHeaders = text('rsa3072.asc').replace('BLOCK-----\n', 'BLOCK-----\nVersion: GnuPG v2\nComment: https://example.test/key\n');
    expect(dearmor(`Our signing key:\r\n\r\n${withHeaders.replace(/\n/g, '\r\n')}\r\nThanks.\r\n`)).toEqual(bytes('rsa3072.gpg'));
    expect(dearmor(text('ed25519.asc').replace(/^=.{4}\n/m, ''))).toEqual(bytes('ed25519.gpg'));
  });

  it('detects one flipped base64 character by the CRC24 checksum', () => {
    const lines = text('ed25519.asc').split('\n');
    const line = lines[3] ?? '';
    lines[3] = `${line.slice(0, 20)}${line[20] === 'A' ? 'B' : 'A'}${line.slice(21)}`;
    expect(failure(() => dearmor(lines.join('\n')))).toBe('armor checksum mismatch: the key is corrupt');
  });

  it('refuses invalid base64, an empty body and a cut-off block', () => {
    const asc = text('ed25519.asc');
    expect(failure(() => dearmor(asc.replace('mDM', 'm*M')))).toBe('the armored key is not valid base64: the key is corrupt');
    expect(failure(() => dearmor('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n'))).toBe(
      'the armored key block is empty',
    );
    expect(failure(() => dearmor(asc.slice(0, 300)))).toBe('armor has no "-----END PGP PUBLIC KEY BLOCK-----" line: the key is cut off');
  });

  it('refuses text without armor and other block types, naming what they are', () => {
    expect(failure(() => dearmor('<html>404 Not Found</html>'))).toBe(
      'no OpenPGP armor found (expected a line "-----BEGIN PGP PUBLIC KEY BLOCK-----")',
    );
    expect(failure(() => dearmor(text('detached-signature.asc')))).toBe('this is a signature (BEGIN PGP SIGNATURE), not a public key');
    expect(failure(() => dearmor('-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlFgE\n-----END PGP PRIVATE KEY BLOCK-----'))).toBe(PRIVATE);
  });
});

describe('readKeyring', () => {
  it('reads fingerprints, key ids, user ids and subkeys exactly as gpg does', () => {
    expect(readKeyring(text('ed25519.asc'))).toEqual({ binary: bytes('ed25519.gpg'), keys: [ed] });
    expect(readKeyring(bytes('rsa3072.gpg'))).toEqual({ binary: bytes('rsa3072.gpg'), keys: [rsa] });
    expect(readKeyring(Buffer.from(text('rsa3072.asc'))).keys).toEqual([rsa]);
    expect(readKeyring(Buffer.concat([bytes('ed25519.gpg'), bytes('rsa3072.gpg')])).keys).toEqual([ed, rsa]);
  });

  it('reads the RFC 9580 sample keys (new-format headers, v6 SHA-256 fingerprints)', () => {
    expect(readKeyring(text('rfc9580-v6.asc')).keys).toEqual([
      {
        fingerprint: 'CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9',
        keyId: 'CB186C4F0609A697',
        version: 6,
        algorithm: 27,
        created: new Date('2022-11-30T16:08:03Z'),
        userIds: [],
        subkeys: [{ fingerprint: '12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885', keyId: '12C83F1E706F6308' }],
      },
    ]);
    const v4 = readKeyring(Buffer.from('xjMEU/NfCxYJKwYBBAHaRw8BAQdAPwmJlL3ZFu1AUxl5NOSofIBzOhKA1i+AEJkuQ+47JAY=', 'base64'));
    expect([v4.keys[0]?.fingerprint, v4.keys[0]?.keyId]).toEqual(['C959BDBAFA32A2F89A153B678CFDE12197965A9A', '8CFDE12197965A9A']);
  });

  it('reads new-format two- and five-octet lengths and old-format four-octet lengths', () => {
    // User ids of 200 and 300 bytes after the v6 key: headers 0xCD 0xC0 0x08, 0xCD 0xFF <uint32>, 0xB6 <uint32>.
    const two = Buffer.concat([Buffer.from([0xcd, 0xc0, 0x08]), Buffer.alloc(200, 'a')]);
    const five = Buffer.concat([Buffer.from([0xcd, 0xff, 0, 0, 0x01, 0x2c]), Buffer.alloc(300, 'b')]);
    const old = Buffer.concat([Buffer.from([0xb6, 0, 0, 0, 0x03]), Buffer.from('old')]);
    expect(readKeyring(Buffer.concat([dearmor(text('rfc9580-v6.asc')), two, five, old])).keys[0]?.userIds).toEqual([
      'a'.repeat(200),
      'b'.repeat(300),
      'old',
    ]);
  });

  it('refuses truncated data, trailing garbage and lengths keys never use', () => {
    const gpg = bytes('ed25519.gpg');
    expect(failure(() => readKeyring(gpg.subarray(0, 20)))).toBe('packet at byte 0 is truncated at byte 20: the key is cut off');
    expect(failure(() => readKeyring(gpg.subarray(0, 1)))).toBe('packet at byte 0 is truncated at byte 1: the key is cut off');
    expect(failure(() => readKeyring(Buffer.concat([gpg, Buffer.from('junk\n')])))).toBe(
      `trailing garbage at byte ${gpg.length}: not an OpenPGP packet (byte 0x6a)`,
    );
    expect(failure(() => readKeyring(Buffer.from([0xc6, 0xe1, 0x00, 0x00])))).toBe(
      'packet at byte 0 uses partial body lengths, which key packets never use',
    );
    expect(failure(() => readKeyring(Buffer.from([0x9b, 0x04])))).toBe(
      'packet at byte 0 has an indeterminate length, which key packets never use',
    );
  });

  it('refuses data with no public key packet: random text, a bare signature', () => {
    expect(failure(() => readKeyring('just some text, not a key'))).toBe(
      'no OpenPGP armor found (expected a line "-----BEGIN PGP PUBLIC KEY BLOCK-----")',
    );
    const signature = Buffer.from(text('detached-signature.asc').split('\n\n')[1]?.split('\n=')[0] ?? '', 'base64');
    expect(signature[0]).toBe(0x88);
    expect(failure(() => readKeyring(signature))).toBe('no public key packet found: this is not an OpenPGP public key');
  });

  describe('a secret key exported by gpg at test time', () => {
    let home = '';
    const gpg = (...args: string[]): Buffer =>
      execFileSync('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
        env: { ...process.env, GNUPGHOME: home },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    beforeAll(() => {
      home = mkdtempSync(path.join(os.tmpdir(), 'fp-openpgp-'));
      gpg('--quick-gen-key', 'Secret Tester <secret@fleetplay.test>', 'ed25519', 'sign', 'never');
    });
    afterAll(() => {
      execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } });
      rmSync(home, { recursive: true, force: true });
    });

    it('is refused as a private key, armored or binary', () => {
      const armored = gpg('--armor', '--export-secret-keys').toString('utf8');
      expect(armored).toMatch(/^-----BEGIN PGP PRIVATE KEY BLOCK-----/);
      expect(failure(() => readKeyring(armored))).toBe(PRIVATE);
      const binary = gpg('--export-secret-keys');
      expect(binary[0]).toBe(0x94);
      expect(failure(() => readKeyring(binary))).toBe(PRIVATE);
      // A secret subkey packet (tag 7, old-format header 0x9C) after a public key is refused too.
      expect(failure(() => readKeyring(Buffer.concat([bytes('ed25519.gpg'), Buffer.from([0x9c, 0x01, 0x04])])))).toBe(PRIVATE);
      // The same key's public half is accepted: the refusal is about the secret packet, not the key.
      expect(readKeyring(gpg('--export')).keys[0]?.userIds).toEqual(['Secret Tester <secret@fleetplay.test>']);
    });
  });
});

describe('matchFingerprint', () => {
  const keyring = readKeyring(bytes('ed25519.gpg'));
  const who = `${group(ed.fingerprint)} (Zoë Ed Tester <ed25519@fleetplay.test>)`;
  const subkey = ed.subkeys[0]?.fingerprint ?? '';

  it('matches a full fingerprint of the primary key or a subkey, and a long key id', () => {
    expect(matchFingerprint(keyring, ed.fingerprint)).toEqual({ matched: true, reason: `key ${who} matches the wanted fingerprint` });
    expect(matchFingerprint(keyring, subkey)).toEqual({
      matched: true,
      reason: `subkey ${group(subkey)} of key ${who} matches the wanted fingerprint`,
    });
    expect(matchFingerprint(keyring, ed.keyId)).toEqual({ matched: true, reason: `key ${who} matches the wanted fingerprint` });
  });

  it('accepts spaces, lowercase and 0x', () => {
    expect(matchFingerprint(keyring, group(ed.fingerprint).toLowerCase()).matched).toBe(true);
    expect(matchFingerprint(keyring, `0x${ed.keyId.toLowerCase()}`).matched).toBe(true);
    expect(
      matchFingerprint(readKeyring(text('rfc9580-v6.asc')), ' cb186c4f 0609a697 e4d52dfa 6c722b0c 1f1e27c1 8a56708f 6525ec27 bad9acc9 ')
        .matched,
    ).toBe(true);
  });

  it('rejects a short key id as insecure even though it matches', () => {
    const short = ed.keyId.slice(-8);
    expect(matchFingerprint(keyring, short)).toEqual({
      matched: false,
      reason: `"${short}" is a short (8 hex) key ID, which is insecure: short IDs collide easily; pin the full fingerprint`,
    });
  });

  it('says which keys were found when the fingerprint is another one', () => {
    expect(matchFingerprint(keyring, rsa.fingerprint)).toEqual({
      matched: false,
      reason: `key ${who} does not match the wanted fingerprint ${group(rsa.fingerprint)}`,
    });
    const both = readKeyring(Buffer.concat([bytes('ed25519.gpg'), bytes('rsa3072.gpg')]));
    const wrong = 'CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9';
    expect(matchFingerprint(both, wrong).reason).toBe(
      `key ${who}, key ${group(rsa.fingerprint)} (RSA Tester (apt signing) <rsa3072@fleetplay.test>) do not match the wanted fingerprint ${group(wrong)}`,
    );
  });

  it('explains malformed input', () => {
    expect(matchFingerprint(keyring, 'docker-key')).toEqual({ matched: false, reason: '"docker-key" is not a hex fingerprint' });
    expect(matchFingerprint(keyring, 'ABCDEF012345')).toEqual({
      matched: false,
      reason: '"ABCDEF012345" has 12 hex digits; expected a fingerprint (40 hex for v4, 64 for v6) or a 16 hex long key ID',
    });
  });
});

describe('describeKeys', () => {
  it('gives one line per primary key: grouped fingerprint and first user id', () => {
    const both = readKeyring(Buffer.concat([bytes('ed25519.gpg'), bytes('rsa3072.gpg')]));
    expect(describeKeys(both)).toEqual([
      `${group(ed.fingerprint)} Zoë Ed Tester <ed25519@fleetplay.test>`,
      `${group(rsa.fingerprint)} RSA Tester (apt signing) <rsa3072@fleetplay.test>`,
    ]);
    expect(describeKeys(readKeyring(text('rfc9580-v6.asc')))).toEqual([
      `${group('CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9')} (no user id)`,
    ]);
  });
});
