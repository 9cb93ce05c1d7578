// Public API of Ansible Vault support: decrypt `!vault` values and encrypted files, and list what was decrypted.

/** Low-level decryption of one vault payload with given passwords; `isVaultText` spots one. */
export { decryptVault, isVaultText, parseEnvelope, VAULT_HEADER, type VaultResult } from './decrypt.ts';
/** The process keyring: passwords in, decrypted secrets out (for redaction). */
export {
  decryptWithKeyring,
  onVaultDecrypt,
  registerVaultLeaves,
  registerVaultSecret,
  resetVault,
  useVaultPasswords,
  vaultPlaintexts,
  VAULT_PASSWORD_FILE_ENV,
} from './keyring.ts';
/** Reads a --vault-password-file (runs it when executable, like Ansible). */
export { readVaultPasswordFile } from './passwordFile.ts';
