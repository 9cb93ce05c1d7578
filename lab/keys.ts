// SSH keys of the lab: the shared client key, and one host key per node.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { runChecked } from './process.ts';
import { LAB_KEY_FILE } from './paths.ts';

/** Makes sure the shared ed25519 client key pair exists (no passphrase); returns the private key path. */
export async function ensureLabKey(): Promise<string> {
  if (existsSync(LAB_KEY_FILE) && existsSync(`${LAB_KEY_FILE}.pub`)) return LAB_KEY_FILE;
  mkdirSync(dirname(LAB_KEY_FILE), { recursive: true, mode: 0o755 });
  rmSync(LAB_KEY_FILE, { force: true });
  rmSync(`${LAB_KEY_FILE}.pub`, { force: true });
  await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'fleetplay-lab', '-f', LAB_KEY_FILE]);
  return LAB_KEY_FILE;
}

/** The public half of the lab key, one line. */
export function labPublicKey(): string {
  return readFileSync(`${LAB_KEY_FILE}.pub`, 'utf8').trim();
}

/** Generates a fresh ed25519 host key at keyFile (+ .pub) and returns the public line's "type base64" part. */
export async function generateHostKey(keyFile: string, comment: string): Promise<string> {
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o755 });
  rmSync(keyFile, { force: true });
  rmSync(`${keyFile}.pub`, { force: true });
  await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', keyFile]);
  return publicKeyBody(`${keyFile}.pub`);
}

/** Reads a .pub file and returns "ssh-ed25519 AAAA…" without the comment. */
export function publicKeyBody(pubFile: string): string {
  const [type, body] = readFileSync(pubFile, 'utf8').trim().split(/\s+/);
  return `${type} ${body}`;
}
