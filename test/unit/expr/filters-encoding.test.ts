// Encoding, digest, path and number filters, with the results Ansible 2.14 gives (checked against it).
import { describe, expect, it } from 'vitest';
import { errorOf, run } from './filters-support.ts';

describe('encoding and digests', () => {
  it.each<[string, unknown]>([
    ["'héllo' | b64encode", 'aMOpbGxv'],
    ["'aMOpbGxv' | b64decode", 'héllo'],
    ["'aGk' | b64decode", undefined],
    ["'aG k=\\n' | b64decode", 'hi'],
    ["'hi' | b64encode(encoding='utf-16-le')", 'aABpAA=='],
    ["'aABpAA==' | b64decode(encoding='utf-16-le')", 'hi'],
    ["'hello' | hash('md5')", '5d41402abc4b2a76b9719d911017c592'],
    ["'x' | hash", '11f6ad8ec52a2984abaafd7c3b516503785c2072'],
    ["'x' | hash('sha256')", '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881'],
    ["'x' | checksum", '11f6ad8ec52a2984abaafd7c3b516503785c2072'],
    ["'web1' | to_uuid", '4ebc6093-8026-5090-bb95-a592e5a6aec3'],
    ["'web1' | to_uuid(namespace='6ba7b810-9dad-11d1-80b4-00c04fd430c8')", '7c3c4f8a-63ca-5da2-bb74-dc6f8fc4553a'],
  ])('%s', (source, expected) => {
    if (expected === undefined) expect(errorOf(source)).toBe('b64decode: Incorrect padding');
    else expect(run(source)).toBe(expected);
  });

  it('refuses unknown hash types and bytes that are not text', () => {
    expect(errorOf("'x' | hash('nope')")).toBe('hash: unsupported hash type "nope"');
    expect(errorOf("'/w==' | b64decode")).toBe('b64decode: the decoded bytes are not valid UTF-8');
  });
});

describe('password_hash (SHA-crypt, as passlib computes it for Ansible)', () => {
  it('matches glibc and passlib for a fixed salt', () => {
    // `openssl passwd -6 -salt saltstring`, and passlib's sha512_crypt.using(rounds=10000, salt='saltstring').
    expect(run("'Hello world!' | password_hash('sha512', 'saltstring', rounds=5000)")).toBe(
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
    );
    expect(run("'Hello world!' | password_hash('sha512', 'saltstring', rounds=10000)")).toBe(
      '$6$rounds=10000$saltstring$buk9gc9MDdd3Z11.ZzxK8sKnFNbxNdTnCf.XHjjiTHcgFuFgkKvBQPLIaUn4Ixl3TLN8ZgCk52MPgbWjATwhH0',
    );
    // Ansible 2.14 with passlib: 656000 rounds by default for sha512, 535000 for sha256.
    expect(run("'secret' | password_hash('sha512', 'mysalt')")).toBe(
      '$6$rounds=656000$mysalt$cDA0t8lm/qt.LT6DzpoHxJ.NwTpx.WTkOPwhseSva8pRixDSH2./ffedCjAMbTX1Uo1QNT7jJPJ6FIzU2i59K/',
    );
    expect(run("'secret' | password_hash('sha256', 'mysalt', rounds=5000)")).toBe('$5$mysalt$I2SNajjJ3Gc5gIR/tkrLOGngF8wqv59buJCqxh.o9s8');
  }, 20_000);

  it('uses a random salt when none is given, as Ansible does', () => {
    const first = run("'secret' | password_hash('sha512', rounds=1000)");
    const second = run("'secret' | password_hash('sha512', rounds=1000)");
    expect(first).toMatch(/^\$6\$rounds=1000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(first).not.toBe(second);
  });

  it('refuses what passlib refuses', () => {
    expect(errorOf("'x' | password_hash('sha512', 'bad salt')")).toMatch(/invalid characters in salt/);
    expect(errorOf("'x' | password_hash('sha512', 'aaaaaaaaaaaaaaaaa')")).toMatch(/salt too large/);
    expect(errorOf("'x' | password_hash('bcrypt')")).toMatch(/unsupported hash type "bcrypt"/);
    expect(errorOf("'x' | password_hash('sha512', 'ab', rounds=10)")).toMatch(/rounds must be/);
  });
});

describe('path filters (Python os.path)', () => {
  it.each<[string, unknown]>([
    ["'/etc/apt/sources.list' | basename", 'sources.list'],
    ["'/etc/apt/' | basename", ''],
    ["'/etc/apt/sources.list' | dirname", '/etc/apt'],
    ["'/etc/apt/' | dirname", '/etc/apt'],
    ["'file' | dirname", ''],
    ["'/file' | dirname", '/'],
    ["'//x' | dirname", '//'],
    ["'a/b.tar.gz' | splitext", ['a/b.tar', '.gz']],
    ["'/home/.bashrc' | splitext", ['/home/.bashrc', '']],
    ["'a.d/file' | splitext", ['a.d/file', '']],
    ["['/etc', 'apt', 'x.list'] | path_join", '/etc/apt/x.list'],
    ["['etc/', '/abs', 'x'] | path_join", '/abs/x'],
    ["'/no/tilde' | expanduser", '/no/tilde'],
    ["'~nosuchuser_xyz/x' | expanduser", '~nosuchuser_xyz/x'],
    ["'/tmp/../tmp/./fleetplay-no-such-dir/x' | realpath", '/tmp/fleetplay-no-such-dir/x'],
    ["'//a/./b/../c/' | normpath", '//a/c'],
    ["'///a' | normpath", '/a'],
    ["'' | normpath", '.'],
    ["'../x/..' | normpath", '..'],
    ["'/a/b/c' | relpath('/a/x')", '../b/c'],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('expands ~ to the controller user home', () => {
    const home = (process.env.HOME ?? '').replace(/\/+$/, '');
    expect(run("'~/x' | expanduser")).toBe(`${home}/x`);
  });
});
