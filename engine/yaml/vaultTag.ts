// The `!vault` YAML tag: a scalar holding Ansible Vault ciphertext, decrypted while the file is parsed.
import type { ScalarTag } from 'yaml';
import { decryptWithKeyring, registerVaultSecret } from '../vault/index.ts';

/** Custom tag for `key: !vault | $ANSIBLE_VAULT;...`; failures become located YAML errors. */
export const vaultTag: ScalarTag = {
  tag: '!vault',
  // Never chosen for untagged text, and never used to write YAML.
  identify: () => false,
  resolve(text, onError) {
    const result = decryptWithKeyring(text);
    if (!result.ok) {
      onError(`!vault value: ${result.error}`);
      return '';
    }
    let plaintext: string;
    try {
      plaintext = new TextDecoder('utf-8', { fatal: true }).decode(result.plaintext);
    } catch {
      onError('!vault value: the decrypted text is not valid UTF-8');
      return '';
    }
    registerVaultSecret(plaintext);
    return plaintext;
  },
};
