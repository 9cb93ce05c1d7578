// copy's `decrypt`: a vault-encrypted controller src (a file, or files in a directory src) is copied as its
// plaintext with the run's vault passwords; decrypt: false copies the vault text; without a password (or
// with a wrong one) the task fails with Ansible's message, naming the first file in Ansible's walk order.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { resetVault, useVaultPasswords, vaultPlaintexts } from '../../../../engine/vault/index.ts';
import { copyModule } from '../../../../modules/copy/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

// ansible-core's own fixture: vault-file, folder/nested-vault-file (password "password") and readme.txt.
const FIXTURE = path.resolve(__dirname, '../../../fixtures/ansible-targets/copy/files-different/vault');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-copy-vault-'));

async function copy(args: Record<string, unknown>) {
  const plan = await planModule(copyModule, args, fakeHost({ reply: runLocally }));
  if (plan.kind === 'change') await plan.apply();
  return plan;
}

describe('copy decrypt', () => {
  afterEach(() => resetVault());

  it('copies a vault-encrypted src decrypted, and as it is with decrypt: false', async () => {
    useVaultPasswords(['password']);
    const dest = path.join(tmp(), 'file');
    expect((await copy({ src: path.join(FIXTURE, 'vault-file'), dest })).kind).toBe('change');
    expect(readFileSync(dest, 'utf8')).toBe('vault-file\n');
    expect(vaultPlaintexts()).toContain('vault-file\n');
    expect((await copy({ src: path.join(FIXTURE, 'vault-file'), dest, decrypt: false })).kind).toBe('change');
    expect(readFileSync(dest, 'utf8')).toBe(readFileSync(path.join(FIXTURE, 'vault-file'), 'utf8'));
  });

  it('decrypts the files of a directory src', async () => {
    useVaultPasswords(['password']);
    const dest = tmp();
    expect((await copy({ src: `${FIXTURE}/`, dest })).kind).toBe('change');
    expect(readFileSync(path.join(dest, 'folder/nested-vault-file'), 'utf8')).toBe('nested-vault-file\n');
    expect(readFileSync(path.join(dest, 'readme.txt'), 'utf8')).toContain('encrypted with ansible-vault');
  });

  it('fails with Ansible’s message without a password, naming the top directory’s file first (os.walk order)', async () => {
    useVaultPasswords([]);
    const src = path.join(tmp(), 'vault');
    cpSync(FIXTURE, src, { recursive: true });
    const dest = tmp();
    await expect(copy({ src: path.join(src, 'vault-file'), dest: path.join(dest, 'f') })).rejects.toThrow(
      `A vault password or secret must be specified to decrypt ${src}/vault-file`,
    );
    await expect(copy({ src, dest })).rejects.toThrow(`A vault password or secret must be specified to decrypt ${src}/vault-file`);
    // decrypt: false needs no password.
    expect((await copy({ src, dest, decrypt: false })).kind).toBe('change');
  });

  it('fails when no password decrypts the file', async () => {
    useVaultPasswords(['wrong']);
    await expect(copy({ src: path.join(FIXTURE, 'vault-file'), dest: path.join(tmp(), 'f') })).rejects.toThrow(
      /^Decryption failed \(no vault secrets were found that could decrypt\) on .*vault-file/,
    );
  });
});
