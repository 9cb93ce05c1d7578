// copy's `decrypt` (default true): a controller src file encrypted with Ansible Vault is copied as its
// plaintext, decrypted with the run's vault passwords; `decrypt: false` copies the vault text as it is.
// Ansible's messages: no password at all, or none that decrypts the file.
import { decryptWithKeyring, registerVaultSecret, VAULT_HEADER } from '../../engine/vault/index.ts';

const HEADER = Buffer.from(VAULT_HEADER, 'latin1');

/** `content` of the controller file `file`, decrypted when it is vault text and `decrypt` is on. */
export function vaultDecrypted(content: Buffer, file: string, decrypt: boolean): Buffer {
  // Ansible's is_encrypted_file: the file starts with the header (no leading whitespace).
  if (!decrypt || !content.subarray(0, HEADER.length).equals(HEADER)) return content;
  const result = decryptWithKeyring(content.toString('utf8'));
  if (result.ok) {
    // The plaintext is a secret: redacted wherever the run prints it (a diff, -v output).
    registerVaultSecret(result.plaintext.toString('utf8'));
    return result.plaintext;
  }
  // decryptWithKeyring's words for "no password given" (engine/vault/keyring.ts).
  if (result.error.startsWith('encrypted with Ansible Vault;'))
    throw new Error(`A vault password or secret must be specified to decrypt ${file}`);
  throw new Error(`Decryption failed (no vault secrets were found that could decrypt) on ${file}: ${result.error}`);
}
