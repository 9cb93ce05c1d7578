// Opens the right connection for a host from its variables (ansible_host, ansible_port, keys, ...).
import type { Connection, Vars } from '../types.ts';
import type { HostKeyPolicy } from './hostKeyPolicy.ts';
import { LocalConnection } from './local.ts';
import { SshConnection } from './ssh.ts';
import type { SshConfig } from './sshConfigParse.ts';
import { sshParamsFor } from './sshSettings.ts';
import { UserPool } from './userPool.ts';

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
  /** The ssh config read for the run (--ssh-config, default ~/.ssh/config); inventory variables win over it. */
  sshConfig?: SshConfig;
  /** -T was given: it wins over the config's ConnectTimeout. */
  connectTimeoutFromCli?: boolean;
  /** -vvvv: connection details per host (address, port, user, key, host key outcome); never secrets. */
  debug?: (host: string, text: string) => void;
}

/** Creates (but does not open) the connection for one host. */
export function createConnection(host: string, vars: Vars, options: TransportOptions): Connection {
  if (vars.ansible_connection === 'local') {
    options.debug?.(host, 'local connection: commands run on the controller');
    return new LocalConnection(host);
  }
  const flagLevel = options.acceptNewHostKeys ? 'accept-new' : 'strict';
  const main = sshFor(host, vars, options, flagLevel);
  // remote_user: another user's session is opened from the same variables with that user (userPool.ts).
  return new UserPool(main.conn, main.user, (user) => sshFor(host, { ...vars, ansible_user: user }, options, flagLevel).conn);
}

/** The ssh connection for `host` with `vars`, and the user it logs in as. */
function sshFor(
  host: string,
  vars: Vars,
  options: TransportOptions,
  flagLevel: 'accept-new' | 'strict',
): { conn: Connection; user: string } {
  const params = sshParamsFor(host, vars, {
    ...(options.sshConfig ? { sshConfig: options.sshConfig } : {}),
    ...(options.connectTimeoutFromCli ? { connectTimeoutFromCli: true } : {}),
    connectTimeoutMs: options.connectTimeoutMs,
    ...(options.connectRetries !== undefined ? { connectRetries: options.connectRetries } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    hostKeyCheck: options.hostKeys?.byHost.get(host) ?? flagLevel,
    jumpHostKeyCheck: options.hostKeys?.jumpHosts ?? flagLevel,
  });
  if (options.debug) {
    const say = options.debug;
    const debug = (text: string) => say(host, text);
    const keyFile = vars.ansible_ssh_private_key_file ?? vars.ansible_private_key_file;
    const keys = params.privateKeys.length;
    const key = typeof keyFile === 'string' && keyFile ? keyFile : `${keys} key${keys === 1 ? '' : 's'} from the ssh config or ~/.ssh`;
    debug(
      `ssh ${params.user}@${params.address}:${params.port}, key ${key}` +
        `${params.agent ? ', ssh-agent' : ''}${params.password !== undefined ? ', password' : ''}` +
        `${params.jump ? ', through a jump host' : ''}, known_hosts ${params.knownHostsFiles.join(', ')}`,
    );
    return { conn: new SshConnection({ ...params, debug }), user: params.user };
  }
  return { conn: new SshConnection(params), user: params.user };
}
