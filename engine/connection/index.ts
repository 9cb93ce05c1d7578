// Opens the right connection for a host from its variables (ansible_host, ansible_port, keys, ...).
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readControllerFile } from '../controllerFile.ts';
import type { Connection, Vars } from '../types.ts';
import type { HostKeyPolicy } from './hostKeyPolicy.ts';
import { LocalConnection } from './local.ts';
import { SshConnection } from './ssh.ts';

/** Run-wide transport settings from the command line. */
export interface TransportOptions {
  /** CLI override: --accept-new-host-keys (used for hosts the policy below does not name). */
  acceptNewHostKeys?: boolean;
  /**
   * The run's host-key policy (hostKeyPolicyForRun), decided before the run from the command line and
   * the inventory only. Host variables are never read for it here: a playbook cannot lower it.
   */
  hostKeys?: HostKeyPolicy;
  connectTimeoutMs: number;
  /** Extra connect attempts (with backoff) before a host is unreachable. */
  connectRetries?: number;
  /** From FLEETPLAY_SSH_PASSWORD or a prompt. */
  password?: string;
  /** -vvvv: connection details per host (address, port, user, key, host key outcome); never secrets. */
  debug?: (host: string, text: string) => void;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
// An SSH private key is a few KiB; anything this large is the wrong file.
const MAX_KEY_BYTES = 1024 * 1024;

/** Creates (but does not open) the connection for one host. */
export function createConnection(host: string, vars: Vars, options: TransportOptions): Connection {
  if (vars.ansible_connection === 'local') {
    options.debug?.(host, 'local connection: commands run on the controller');
    return new LocalConnection(host);
  }
  const user = str(vars.ansible_user) ?? str(vars.ansible_ssh_user) ?? os.userInfo().username;
  const keyFile = str(vars.ansible_ssh_private_key_file) ?? str(vars.ansible_private_key_file);
  // Only a regular file up to 1 MiB: a FIFO named as a key would block the controller forever.
  const readKey = (file: string): Buffer =>
    readControllerFile(file, { what: `private key file (host ${host})`, maxBytes: MAX_KEY_BYTES, kind: 'inventory' });
  const privateKeys = keyFile
    ? [readKey(expandHome(keyFile))]
    : DEFAULT_KEYS.map((k) => path.join(os.homedir(), '.ssh', k))
        .filter(existsSync)
        .map(readKey);
  const known = vars.ansible_ssh_known_hosts_file;
  const knownHostsFiles = (
    Array.isArray(known)
      ? known.map(String)
      : known
        ? [String(known)]
        : [path.join(os.homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts']
  ).map(expandHome);
  const password = str(vars.ansible_password) ?? str(vars.ansible_ssh_pass) ?? options.password;
  const debug = options.debug ? (text: string) => options.debug!(host, text) : undefined;
  debug?.(
    `ssh ${user}@${str(vars.ansible_host) ?? host}:${Number(vars.ansible_port ?? 22)}, key ${keyFile ?? `${privateKeys.length} default key(s) of ~/.ssh`}` +
      `${process.env.SSH_AUTH_SOCK ? ', ssh-agent' : ''}${password !== undefined ? ', password' : ''}, known_hosts ${knownHostsFiles.join(', ')}`,
  );
  return new SshConnection({
    host,
    address: str(vars.ansible_host) ?? host,
    port: Number(vars.ansible_port ?? 22),
    user,
    privateKeys,
    ...(process.env.SSH_AUTH_SOCK ? { agent: process.env.SSH_AUTH_SOCK } : {}),
    ...(password !== undefined ? { password } : {}),
    knownHostsFiles,
    hostKeyPolicy: options.hostKeys?.byHost.get(host) ?? (options.acceptNewHostKeys ? 'accept-new' : 'strict'),
    connectTimeoutMs: options.connectTimeoutMs,
    connectRetries: Number(vars.ansible_ssh_retries ?? options.connectRetries ?? 2),
    // A host that stops answering (frozen, cable pulled) is unreachable after 3 missed keepalives:
    // within about 1.3 × the connect timeout, even while a command runs.
    keepaliveMs: Math.max(1000, Math.round(options.connectTimeoutMs / 3)),
    ...(debug ? { debug } : {}),
  });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function expandHome(p: string): string {
  return p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}
