// The vault options shared by `run` and `validate`: where the Ansible Vault password comes from.
import { FleetError } from '../errors.ts';
import { onVaultDecrypt, readVaultPasswordFile, useVaultPasswords, vaultPlaintexts, VAULT_PASSWORD_FILE_ENV } from '../vault/index.ts';
import { processSecrets } from '../secrets.ts';
import { list, type OptionSpec, type Parsed } from './args.ts';
import { promptSecret } from './prompt.ts';

/** The vault options, in parseArgs form (-J is Ansible's short form of --ask-vault-pass). */
export const vaultOptions: OptionSpec = {
  'vault-password-file': { type: 'string', multiple: true },
  'ask-vault-pass': { type: 'boolean', short: 'J' },
};

/** Help lines of the vault options. */
export const vaultHelp = `      --vault-password-file FILE  password for Ansible Vault values and files (repeatable; an executable
                           FILE is run and its output is the password, as in Ansible;
                           or set ${VAULT_PASSWORD_FILE_ENV})
  -J, --ask-vault-pass     prompt for the vault password (needs a terminal)`;

/** Reads the vault passwords named by the options into the vault keyring, before any file is loaded. */
export async function setUpVault(p: Parsed, ask: typeof promptSecret = promptSecret): Promise<void> {
  const passwords = list(p, 'vault-password-file').map(readVaultPasswordFile);
  if (p.values['ask-vault-pass'] === true) {
    const typed = await ask('Vault password: ', '-J/--ask-vault-pass', VAULT_PASSWORD_FILE_ENV);
    if (typed === '') throw new FleetError('arguments', '-J/--ask-vault-pass: the vault password is empty');
    passwords.push(typed);
  }
  // With neither option the keyring falls back to the environment variable when it first meets vault text.
  if (passwords.length > 0) useVaultPasswords(passwords);
  // The passwords and everything they decrypt, now or later in the run, are secrets of this process.
  processSecrets.add(passwords);
  processSecrets.add(vaultPlaintexts());
  onVaultDecrypt((plaintext) => processSecrets.add(plaintext));
}
