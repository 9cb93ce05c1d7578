// Ansible Vault: real ansible-vault ciphertexts (fixtures/vault/README.md) decrypt, fail clearly, and are recorded as secrets.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateCommand } from '../../engine/cli/validate.ts';
import { FleetError } from '../../engine/errors.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { decryptVault, resetVault, useVaultPasswords, vaultPlaintexts } from '../../engine/vault/index.ts';
import { loadYamlFile, parseYaml } from '../../engine/yaml/load.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'vault');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');
const PASSWORD = 'fleetplay-test-password';
const PASSWORD_FILE = path.join(FIXTURES, 'password.txt');
// The ciphertext of a `name: !vault |` fixture, without the key line and the indentation.
const payload = (name: string): string =>
  fixture(name)
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .join('\n');

const dirs: string[] = [];
function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fp-vault-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function failure(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected a FleetError');
}

beforeEach(() => resetVault());
afterEach(() => {
  delete process.env['FLEETPLAY_VAULT_PASSWORD_FILE'];
});

describe('decryptVault (AES256, formats 1.1 and 1.2)', () => {
  it('decrypts ansible-vault encrypt_string output of both formats, reporting the 1.2 vault id', () => {
    expect(decryptVault(payload('string-1.1.yml'), [PASSWORD])).toEqual({ ok: true, plaintext: Buffer.from('S3cret-Vault-11') });
    expect(decryptVault(payload('string-1.2.yml'), [PASSWORD])).toEqual({
      ok: true,
      plaintext: Buffer.from('Tok3n-Vault-12'),
      vaultId: 'prod',
    });
    expect(decryptVault(payload('string-multiline.yml'), ['other', PASSWORD])).toMatchObject({
      ok: true,
      plaintext: Buffer.from('multi-line\nsecret\n'),
    });
  });

  it('reports a wrong password as an HMAC mismatch, and a tampered ciphertext the same way', () => {
    expect(decryptVault(payload('string-1.1.yml'), ['wrong-password'])).toEqual({
      ok: false,
      error: 'HMAC mismatch: wrong vault password',
    });
    const text = payload('string-1.1.yml');
    const flipped = text.slice(0, -3) + (text.at(-3) === '1' ? '2' : '1') + text.slice(-2);
    expect(decryptVault(flipped, [PASSWORD])).toEqual({ ok: false, error: 'HMAC mismatch: wrong vault password' });
  });

  it('refuses other versions and ciphers, and a body that is not hex', () => {
    expect(decryptVault('$ANSIBLE_VAULT;1.0;AES\n00', [PASSWORD])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/unsupported Ansible Vault format version '1.0'/),
    });
    expect(decryptVault('$ANSIBLE_VAULT;1.1;AES128\n00', [PASSWORD])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/cipher 'AES128'/),
    });
    expect(decryptVault('$ANSIBLE_VAULT;1.1;AES256\nzz', [PASSWORD])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not valid hexadecimal/),
    });
  });
});

describe('!vault values in YAML', () => {
  it('decrypts a !vault scalar and records the plaintext as a secret', () => {
    useVaultPasswords([PASSWORD]);
    const text = `${fixture('string-1.1.yml')}\n${fixture('string-1.2.yml')}\n`;
    expect(parseYaml(text, 'vars.yml', 'playbook').value).toEqual({ db_password: 'S3cret-Vault-11', api_token: 'Tok3n-Vault-12' });
    expect(vaultPlaintexts()).toEqual(['S3cret-Vault-11', 'Tok3n-Vault-12']);
  });

  it('without a password, fails at the !vault tag and says how to pass one', () => {
    const e = failure(() => parseYaml(`user: bob\n${fixture('string-1.1.yml')}`, 'vars.yml', 'playbook'));
    expect(e.format()).toMatch(/^vars\.yml:2:14: !vault value: encrypted with Ansible Vault; pass --vault-password-file/);
  });

  it('with a wrong password, fails at the !vault tag with an HMAC mismatch', () => {
    useVaultPasswords(['wrong-password']);
    const e = failure(() => parseYaml(fixture('string-1.2.yml'), 'vars.yml', 'playbook'));
    expect(e.format()).toMatch(/^vars\.yml:1:12: !vault value: HMAC mismatch: wrong vault password/);
  });
});

describe('files encrypted with ansible-vault encrypt', () => {
  it('decrypts a vars file and records each of its values', () => {
    useVaultPasswords([PASSWORD]);
    expect(loadYamlFile(path.join(FIXTURES, 'vars-file.yml'), 'playbook').value).toEqual({
      vaulted_user: 'alice',
      vaulted_password: 'Fil3-Vault-Secret',
    });
    expect(vaultPlaintexts()).toEqual(['alice', 'Fil3-Vault-Secret']);
  });

  it('decrypts an INI inventory (format 1.2) and a vault-encrypted group_vars file', () => {
    useVaultPasswords([PASSWORD]);
    const inv = loadInventory(path.join(FIXTURES, 'inventory.ini'));
    expect(inv.hostVars('web1')).toMatchObject({ ansible_host: '10.0.0.1', web_secret: 'Inv3ntory-Vault' });
    const dir = tempDir({ hosts: '[web]\nweb1\n' });
    mkdirSync(path.join(dir, 'group_vars'));
    writeFileSync(path.join(dir, 'group_vars', 'web.yml'), fixture('vars-file.yml'));
    expect(loadInventory(path.join(dir, 'hosts')).hostVars('web1')).toMatchObject({ vaulted_password: 'Fil3-Vault-Secret' });
  });

  it('without a password, fails at 1:1 of the encrypted file', () => {
    const file = path.join(FIXTURES, 'vars-file.yml');
    const e = failure(() => loadYamlFile(file, 'playbook'));
    expect(e.location).toEqual({ file, line: 1, column: 1 });
    expect(e.message).toMatch(/^this file is encrypted with Ansible Vault; pass --vault-password-file/);
    useVaultPasswords(['wrong-password']);
    expect(failure(() => loadYamlFile(file, 'playbook')).message).toBe(
      'cannot decrypt this Ansible Vault file: HMAC mismatch: wrong vault password',
    );
  });
});

describe('vault passwords on the command line', () => {
  const play = (extra: Record<string, string> = {}) =>
    tempDir({
      'play.yml': `- hosts: all\n  vars:\n${fixture('string-1.1.yml').trimEnd().replace(/^/gm, '    ')}\n  tasks:\n    - debug: msg=hi\n`,
      ...extra,
    });

  it('validate decrypts with --vault-password-file, and fails located without it', async () => {
    const dir = play();
    const out: string[] = [];
    await expect(validateCommand([path.join(dir, 'play.yml'), '--vault-password-file', PASSWORD_FILE], (s) => out.push(s))).resolves.toBe(
      0,
    );
    expect(vaultPlaintexts()).toContain('S3cret-Vault-11');
    resetVault();
    const err = await validateCommand([path.join(dir, 'play.yml')], () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).location).toMatchObject({ file: path.join(dir, 'play.yml'), line: 3 });
  });

  it('runs an executable password file and reads FLEETPLAY_VAULT_PASSWORD_FILE', async () => {
    const dir = play({ 'pass.sh': `#!/bin/sh\necho '${PASSWORD}'\n` });
    chmodSync(path.join(dir, 'pass.sh'), 0o755);
    await expect(
      validateCommand([path.join(dir, 'play.yml'), '--vault-password-file', path.join(dir, 'pass.sh')], () => undefined),
    ).resolves.toBe(0);
    resetVault();
    process.env['FLEETPLAY_VAULT_PASSWORD_FILE'] = PASSWORD_FILE;
    await expect(validateCommand([path.join(dir, 'play.yml')], () => undefined)).resolves.toBe(0);
  });

  it('--ask-vault-pass without a terminal is an argument error (exit 4), never a hang', async () => {
    const dir = play();
    const err = await validateCommand([path.join(dir, 'play.yml'), '--ask-vault-pass'], () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).kind).toBe('arguments');
    expect((err as FleetError).message).toMatch(/needs a terminal/);
  });

  it('refuses a missing or empty password file', async () => {
    const dir = play({ empty: '\n' });
    const run = (file: string) =>
      validateCommand([path.join(dir, 'play.yml'), '--vault-password-file', file], () => undefined).catch((e: unknown) => e);
    expect(((await run(path.join(dir, 'nope'))) as FleetError).message).toMatch(/cannot read vault password file .*nope: ENOENT/);
    expect(((await run(path.join(dir, 'empty'))) as FleetError).message).toMatch(/holds an empty password/);
  });
});
