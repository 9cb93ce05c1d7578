// Resolves one host's settings from a parsed ssh config the way OpenSSH does: directives are read in file
// order, a directive applies when every block around it matches, and the first value obtained for a
// keyword wins (IdentityFile accumulates). `Host` patterns match the name as given; `Match host` matches
// the name after any HostName seen so far. Tokens (%h, %d, …) and `~` are expanded here.
import os from 'node:os';
import path from 'node:path';
import { globMatches } from './hostGlob.ts';
import type { ConfigBlock, HostPattern, MatchCriterion, SshConfig } from './sshConfigParse.ts';

/** The settings one host gets from the config; unset fields mean "not in the config". */
export interface SshHostOptions {
  /** The address to dial, tokens expanded (%h is the name as given). */
  hostName?: string;
  user?: string;
  port?: number;
  /** Unexpanded (tokens and ~ are expanded by expandPath once user and port are final). */
  identityFiles: string[];
  identitiesOnly?: boolean;
  /** A ProxyJump value, or 'none'. */
  proxyJump?: string;
  proxyCommand?: string;
  connectTimeoutS?: number;
  serverAliveIntervalS?: number;
  serverAliveCountMax?: number;
  strictHostKeyChecking?: 'yes' | 'no' | 'accept-new' | 'ask';
  /** Unexpanded, like identityFiles. */
  userKnownHostsFiles?: string[];
  /** Where each applied setting came from, `file:line` by keyword (for messages). */
  where: Record<string, string>;
}

/** Who is asking: the remote user named outside the config (the inventory), and the local user. */
export interface ResolveContext {
  user?: string;
  localUser?: string;
}

/** The config's settings for `host` (the name as given: ansible_host, or the inventory name). */
export function resolveSshHost(config: SshConfig | undefined, host: string, context: ResolveContext = {}): SshHostOptions {
  const out: SshHostOptions = { identityFiles: [], where: {} };
  if (!config) return out;
  const localUser = context.localUser ?? os.userInfo().username;
  for (const d of config.directives) {
    const current = out.hostName ?? host;
    const user = context.user ?? out.user ?? localUser;
    if (!d.blocks.every((b) => blockMatches(b, host, current, user, localUser))) continue;
    const v = d.args[0]!;
    const where = `${d.file}:${d.line}`;
    if (d.keyword === 'identityfile') {
      if (v.toLowerCase() !== 'none') out.identityFiles.push(v);
      out.where.identityfile ??= where;
      continue;
    }
    if (d.keyword in out.where) continue;
    // ProxyJump and ProxyCommand exclude each other: whichever comes first wins (ssh_config(5)).
    if ((d.keyword === 'proxyjump' && 'proxycommand' in out.where) || (d.keyword === 'proxycommand' && 'proxyjump' in out.where)) continue;
    out.where[d.keyword] = where;
    apply(out, d.keyword, d.args, host);
  }
  return out;
}

function apply(out: SshHostOptions, keyword: string, args: string[], host: string): void {
  const v = args[0]!;
  const lower = v.toLowerCase();
  const seconds = (): number | undefined => (lower === 'none' ? undefined : Number(v));
  switch (keyword) {
    case 'hostname':
      out.hostName = expandTokens(v, { h: host });
      break;
    case 'user':
      out.user = v;
      break;
    case 'port':
      out.port = Number(v);
      break;
    case 'identitiesonly':
      out.identitiesOnly = lower === 'yes';
      break;
    case 'proxyjump':
      out.proxyJump = lower === 'none' ? 'none' : v;
      break;
    case 'proxycommand':
      if (lower !== 'none') out.proxyCommand = args.join(' ');
      break;
    case 'connecttimeout': {
      const s = seconds();
      if (s !== undefined && s > 0) out.connectTimeoutS = s;
      break;
    }
    case 'serveraliveinterval':
      out.serverAliveIntervalS = seconds() ?? 0;
      break;
    case 'serveralivecountmax':
      out.serverAliveCountMax = seconds() ?? 3;
      break;
    case 'stricthostkeychecking':
      out.strictHostKeyChecking = lower === 'off' ? 'no' : (lower as SshHostOptions['strictHostKeyChecking']);
      break;
    case 'userknownhostsfile':
      // `none`: no user file; new keys (accept-new) are then recorded nowhere, as with /dev/null.
      out.userKnownHostsFiles = lower === 'none' ? ['/dev/null'] : args;
      break;
  }
}

function blockMatches(block: ConfigBlock, original: string, current: string, user: string, localUser: string): boolean {
  if (block.kind === 'host') return patternsMatch(block.patterns, original);
  return block.criteria.every((c) => criterionMatches(c, original, current, user, localUser));
}

function criterionMatches(c: MatchCriterion, original: string, current: string, user: string, localUser: string): boolean {
  if (c.kind === 'all') return true;
  if (c.kind === 'unsupported') return false;
  const subject = c.kind === 'host' ? current : c.kind === 'originalhost' ? original : c.kind === 'user' ? user : localUser;
  return patternsMatch(c.patterns, subject) !== c.negated;
}

/** OpenSSH's pattern lists: some plain pattern matches and no negated one does. */
export function patternsMatch(patterns: readonly HostPattern[], name: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (!globMatches(p.glob, name)) continue;
    if (p.negated) return false;
    matched = true;
  }
  return matched;
}

/** Replaces `%x` tokens from `values` (`%%` is a percent sign); tokens were checked when the file was read. */
export function expandTokens(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/%(.)/g, (whole, t: string) => (t === '%' ? '%' : (values[t] ?? whole)));
}

/** The token values of ssh_config(5) for IdentityFile and UserKnownHostsFile. */
export interface PathTokens {
  /** The name as given (%n). */
  original: string;
  /** The address after HostName (%h). */
  host: string;
  port: number;
  /** The remote user (%r). */
  user: string;
  home?: string;
  localUser?: string;
}

/** Expands tokens, then a leading `~`, in an IdentityFile or UserKnownHostsFile path. */
export function expandPath(file: string, t: PathTokens): string {
  const home = t.home ?? os.homedir();
  const expanded = expandTokens(file, {
    d: home,
    h: t.host,
    n: t.original,
    p: String(t.port),
    r: t.user,
    u: t.localUser ?? os.userInfo().username,
    l: os.hostname().split('.')[0] ?? '',
  });
  if (expanded === '~') return home;
  return expanded.startsWith('~/') ? path.join(home, expanded.slice(2)) : expanded;
}
