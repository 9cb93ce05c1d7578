// The vault passwords of this process, and every plaintext decrypted with them (so output can redact them).
import { readVaultPasswordFile } from './passwordFile.ts';
import { decryptVault, type VaultResult } from './decrypt.ts';

/** Names the environment variable read when no password was given on the command line. */
export const VAULT_PASSWORD_FILE_ENV = 'FLEETPLAY_VAULT_PASSWORD_FILE';

// One keyring per process: the loaders that meet vault text run deep below the CLI that knows the passwords.
let passwords: string[] | undefined;
const plaintexts = new Set<string>();
const listeners: Array<(plaintext: string) => void> = [];

/** Sets the vault passwords (from --vault-password-file / --ask-vault-pass); replaces any earlier ones. */
export function useVaultPasswords(list: readonly string[]): void {
  passwords = [...list];
}

/** Forgets the passwords and the decrypted plaintexts (tests). */
export function resetVault(): void {
  passwords = undefined;
  plaintexts.clear();
}

/** Every plaintext decrypted so far, so the output layer can redact each one wherever it appears. */
export function vaultPlaintexts(): string[] {
  return [...plaintexts];
}

/** Calls `listener` with each plaintext decrypted from now on; returns a function that stops it. */
export function onVaultDecrypt(listener: (plaintext: string) => void): () => void {
  listeners.push(listener);
  return () => {
    const at = listeners.indexOf(listener);
    if (at !== -1) listeners.splice(at, 1);
  };
}

/** Decrypts one vault payload with the keyring; a missing password is an error result, not a prompt. */
export function decryptWithKeyring(text: string): VaultResult {
  const known = passwords ?? passwordsFromEnvironment();
  if (known.length === 0) {
    return {
      ok: false,
      error: `encrypted with Ansible Vault; pass --vault-password-file FILE or --ask-vault-pass (or set ${VAULT_PASSWORD_FILE_ENV})`,
    };
  }
  return decryptVault(text, known);
}

/** Records one decrypted value as a secret (a `!vault` scalar, or a value read from an encrypted file). */
export function registerVaultSecret(value: string): void {
  // Very short values ("1", "yes") would redact unrelated output everywhere; they are not secrets by themselves.
  for (const piece of new Set([value, value.trim()])) {
    if (piece.trim().length < MIN_SECRET_LENGTH || plaintexts.has(piece)) continue;
    plaintexts.add(piece);
    for (const listener of listeners) listener(piece);
  }
}

/** Records every string and number inside a value loaded from an encrypted file as a secret. */
export function registerVaultLeaves(value: unknown, seen = new Set<unknown>()): void {
  if (typeof value === 'string') registerVaultSecret(value);
  else if (typeof value === 'number' || typeof value === 'bigint') registerVaultSecret(String(value));
  else if (typeof value === 'object' && value !== null && !seen.has(value)) {
    seen.add(value);
    for (const item of Array.isArray(value) ? value : Object.values(value)) registerVaultLeaves(item, seen);
  }
}

const MIN_SECRET_LENGTH = 3;

// The password file named by the environment, read once and then kept like a command-line one.
function passwordsFromEnvironment(): string[] {
  const file = process.env[VAULT_PASSWORD_FILE_ENV];
  passwords = file ? [readVaultPasswordFile(file)] : [];
  return passwords;
}
