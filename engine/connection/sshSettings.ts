// The ssh settings of one host, from (highest first) its inventory variables, the ssh config, and
// fleetplay's defaults; and the same for each jump host of its ProxyJump, whose connections are shared.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readControllerFile } from '../controllerFile.ts';
import type { Vars } from '../types.ts';
import type { HostKeyCheck } from './hostKeyPolicy.ts';
import { jumpVia } from './jump.ts';
import type { SshParams } from './ssh.ts';
import { expandPath, resolveSshHost, type SshHostOptions } from './sshConfig.ts';
import type { SshConfig } from './sshConfigParse.ts';
import { jumpFromSshArgs, parseJumpSpec, sshArgsDirectives, type JumpHop } from './sshJumpSpec.ts';

/** What the run decided for every host: the ssh config, timeouts, the password, host-key levels. */
export interface SshRunSettings {
  sshConfig?: SshConfig;
  /** -T was given: it wins over the config's ConnectTimeout (as Ansible's timeout does). */
  connectTimeoutFromCli?: boolean;
  connectTimeoutMs: number;
  connectRetries?: number;
  password?: string;
  /** This host's level from the run's policy (command line and inventory). */
  hostKeyCheck: HostKeyCheck;
  /** The level for jump hosts (command line only). */
  jumpHostKeyCheck: HostKeyCheck;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
const GLOBAL_KNOWN_HOSTS = '/etc/ssh/ssh_known_hosts';
// An SSH private key is a few KiB; anything this large is the wrong file.
const MAX_KEY_BYTES = 1024 * 1024;
// Jump hosts reached through jump hosts of their own (their config's ProxyJump): a loop must end.
const MAX_JUMP_DEPTH = 8;

/** The ssh2 parameters for `host`, with `vars` its merged variables. */
export function sshParamsFor(host: string, vars: Vars, run: SshRunSettings): SshParams {
  const home = os.homedir();
  const target = str(vars.ansible_host) ?? host;
  const invUser = str(vars.ansible_user) ?? str(vars.ansible_ssh_user);
  // ansible_ssh_common_args/extra_args options (-o UserKnownHostsFile=…, -o Port=…, -J, -i …) apply as ssh
  // applies its command line: before the config, the first value obtained winning.
  const argsText = `${str(vars.ansible_ssh_common_args) ?? ''} ${str(vars.ansible_ssh_extra_args) ?? ''}`;
  const cfg = resolveSshHost(withArgs(run.sshConfig, argsText), target, invUser ? { user: invUser } : {});
  const user = invUser ?? cfg.user ?? os.userInfo().username;
  const address = cfg.hostName ?? target;
  const port = Number(vars.ansible_port ?? cfg.port ?? 22);
  const tokens = { original: target, host: address, port, user, home };
  const keyFile = str(vars.ansible_ssh_private_key_file) ?? str(vars.ansible_private_key_file);
  const readKey = (file: string): Buffer =>
    readControllerFile(file, { what: `private key file (host ${host})`, maxBytes: MAX_KEY_BYTES, kind: 'inventory' });
  // As with `ssh -i`: the inventory's key first, then the config's IdentityFiles (missing ones skipped).
  const inventoryKey = keyFile ? [readKey(expandHome(keyFile))] : [];
  const privateKeys = [...inventoryKey, ...configKeys(cfg, tokens, readKey)];
  const known = vars.ansible_ssh_known_hosts_file;
  const inventoryKnown = Array.isArray(known) ? known.map(String) : known ? [String(known)] : undefined;
  const knownHostsFiles = (inventoryKnown ?? configKnownHosts(cfg, tokens) ?? defaultKnownHosts(home)).map(expandHome);
  const password = str(vars.ansible_password) ?? str(vars.ansible_ssh_pass) ?? run.password;
  const timeoutMs = run.connectTimeoutFromCli || !cfg.connectTimeoutS ? run.connectTimeoutMs : cfg.connectTimeoutS * 1000;
  // The command line (ansible_ssh_common_args, ansible_ssh_extra_args) wins over the config, as with ssh.
  const args = jumpFromSshArgs(argsText);
  const fromArgs = args.proxyJump !== undefined || args.proxyCommand !== undefined;
  const proxyJump = fromArgs ? args.proxyJump : cfg.proxyJump;
  const proxyCommand = fromArgs ? args.proxyCommand : cfg.proxyCommand;
  const params: SshParams = {
    host,
    address,
    port,
    user,
    privateKeys: privateKeys.length > 0 || cfg.identityFiles.length > 0 ? privateKeys : defaultKeys(home, readKey),
    ...(process.env.SSH_AUTH_SOCK && !cfg.identitiesOnly ? { agent: process.env.SSH_AUTH_SOCK } : {}),
    ...(password !== undefined ? { password } : {}),
    knownHostsFiles,
    hostKeyPolicy: relaxed(run.hostKeyCheck, cfg),
    connectTimeoutMs: timeoutMs,
    connectRetries: Number(vars.ansible_ssh_retries ?? run.connectRetries ?? 2),
    ...keepalive(cfg, timeoutMs),
    ...(proxyCommand !== undefined
      ? { refused: `ProxyCommand (${where(cfg, 'proxycommand', fromArgs)}) is not supported by fleetplay; use ProxyJump` }
      : {}),
  };
  if (proxyJump && proxyJump !== 'none') {
    const hops = parseJumpSpec(proxyJump);
    if (hops.problem) return { ...params, refused: `ProxyJump ${proxyJump}: ${hops.problem}` };
    const fallback = { keys: inventoryKey, knownHostsFiles: inventoryKnown?.map(expandHome) ?? defaultKnownHosts(home) };
    try {
      return { ...params, jump: jumpVia(hopChain(hops.hops, run, fallback, [target])) };
    } catch (err) {
      return { ...params, refused: (err as Error).message };
    }
  }
  return params;
}

/** The run's ssh config with the command-line options of the host's ssh args in front (undefined: neither). */
function withArgs(config: SshConfig | undefined, argsText: string): SshConfig | undefined {
  const directives = sshArgsDirectives(argsText, 'ansible_ssh_common_args');
  if (directives.length === 0) return config;
  return {
    file: config?.file ?? 'ansible_ssh_common_args',
    directives: [...directives, ...(config?.directives ?? [])],
    notes: config?.notes ?? [],
  };
}

interface HopFallback {
  keys: Buffer[];
  knownHostsFiles: string[];
}

// `a,b`: the last hop is the one the target is reached from; each hop is reached through the one before,
// and the first hop through its own config's ProxyJump (as `ssh -J a,b` does).
// `seen` holds the names already on the way (the target first): meeting one again is a loop, which
// OpenSSH refuses too ("jumphost loop via X", e.g. `Host *` / `ProxyJump bastion` without `Host bastion` /
// `ProxyJump none` before it).
function hopChain(hops: JumpHop[], run: SshRunSettings, fallback: HopFallback, seen: string[]): SshParams {
  if (seen.length > MAX_JUMP_DEPTH) throw new Error(`ProxyJump: more than ${MAX_JUMP_DEPTH} jump hosts deep`);
  const last = hops.at(-1)!;
  if (seen.includes(last.host)) throw new Error(`jumphost loop via ${last.host} (${[...seen, last.host].join(' -> ')})`);
  const path = [...seen, last.host];
  const before = hops.slice(0, -1);
  const p = hopParams(last, run, fallback);
  let jump: SshParams | undefined;
  if (before.length > 0) jump = hopChain(before, run, fallback, path);
  else if (p.ownJump && p.ownJump !== 'none') {
    const own = parseJumpSpec(p.ownJump);
    if (own.problem) throw new Error(`ProxyJump ${p.ownJump} (for jump host ${last.host}): ${own.problem}`);
    jump = hopChain(own.hops, run, fallback, path);
  }
  return jump ? { ...p.params, jump: jumpVia(jump) } : p.params;
}

function hopParams(hop: JumpHop, run: SshRunSettings, fallback: HopFallback): { params: SshParams; ownJump?: string } {
  const home = os.homedir();
  const cfg = resolveSshHost(run.sshConfig, hop.host, hop.user ? { user: hop.user } : {});
  const user = hop.user ?? cfg.user ?? os.userInfo().username;
  const address = cfg.hostName ?? hop.host;
  const port = hop.port ?? cfg.port ?? 22;
  const tokens = { original: hop.host, host: address, port, user, home };
  const readKey = (file: string): Buffer =>
    readControllerFile(file, { what: `private key file (jump host ${hop.host})`, maxBytes: MAX_KEY_BYTES, kind: 'inventory' });
  const own = configKeys(cfg, tokens, readKey);
  const keys = own.length > 0 || cfg.identityFiles.length > 0 ? own : defaultKeys(home, readKey);
  // The target's inventory key is offered last: Ansible's -i reaches only the target, but the same key
  // usually opens the bastion too (a difference from ssh -J, documented in docs/ssh-config.md).
  for (const k of fallback.keys) if (!keys.some((x) => x.equals(k))) keys.push(k);
  const timeoutMs = run.connectTimeoutFromCli || !cfg.connectTimeoutS ? run.connectTimeoutMs : cfg.connectTimeoutS * 1000;
  const params: SshParams = {
    host: hop.host,
    address,
    port,
    user,
    privateKeys: keys,
    ...(process.env.SSH_AUTH_SOCK && !cfg.identitiesOnly ? { agent: process.env.SSH_AUTH_SOCK } : {}),
    knownHostsFiles: (configKnownHosts(cfg, tokens) ?? fallback.knownHostsFiles).map(expandHome),
    hostKeyPolicy: relaxed(run.jumpHostKeyCheck, cfg),
    connectTimeoutMs: timeoutMs,
    connectRetries: run.connectRetries ?? 2,
    ...keepalive(cfg, timeoutMs),
    ...(cfg.proxyCommand !== undefined
      ? { refused: `ProxyCommand for jump host ${hop.host} is not supported by fleetplay; use ProxyJump` }
      : {}),
  };
  return cfg.proxyJump ? { params, ownJump: cfg.proxyJump } : { params };
}

/**
 * The config's StrictHostKeyChecking may lower a strict host to accept-new (unknown keys trusted and
 * recorded), never further: `no` is read as accept-new, so a changed key is always refused. `yes`
 * and `ask` (no prompts here) keep the run's level.
 */
function relaxed(level: HostKeyCheck, cfg: SshHostOptions): HostKeyCheck {
  const s = cfg.strictHostKeyChecking;
  return level === 'strict' && (s === 'no' || s === 'accept-new') ? 'accept-new' : level;
}

function keepalive(cfg: SshHostOptions, timeoutMs: number): Pick<SshParams, 'keepaliveMs' | 'keepaliveCountMax'> {
  // Without a config: a host that stops answering is unreachable after 3 missed keepalives, within
  // about 1.3 × the connect timeout, even while a command runs.
  const ms = cfg.serverAliveIntervalS ? cfg.serverAliveIntervalS * 1000 : Math.max(1000, Math.round(timeoutMs / 3));
  return { keepaliveMs: ms, ...(cfg.serverAliveCountMax ? { keepaliveCountMax: cfg.serverAliveCountMax } : {}) };
}

function configKeys(cfg: SshHostOptions, tokens: Parameters<typeof expandPath>[1], readKey: (f: string) => Buffer): Buffer[] {
  return cfg.identityFiles
    .map((f) => expandPath(f, tokens))
    .filter(existsSync)
    .map(readKey);
}

function configKnownHosts(cfg: SshHostOptions, tokens: Parameters<typeof expandPath>[1]): string[] | undefined {
  if (!cfg.userKnownHostsFiles) return undefined;
  return [...cfg.userKnownHostsFiles.map((f) => expandPath(f, tokens)), GLOBAL_KNOWN_HOSTS];
}

function defaultKeys(home: string, readKey: (f: string) => Buffer): Buffer[] {
  return DEFAULT_KEYS.map((k) => path.join(home, '.ssh', k))
    .filter(existsSync)
    .map(readKey);
}

function defaultKnownHosts(home: string): string[] {
  return [path.join(home, '.ssh', 'known_hosts'), GLOBAL_KNOWN_HOSTS];
}

function where(cfg: SshHostOptions, keyword: string, fromArgs: boolean): string {
  return fromArgs ? 'ansible_ssh_common_args' : (cfg.where[keyword] ?? 'ssh config');
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function expandHome(p: string): string {
  return p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}
