// ProxyJump values (`[user@]host[:port]`, `ssh://…`, comma-separated hops) and the jump options of
// Ansible's ansible_ssh_common_args / ansible_ssh_extra_args (`-o ProxyJump=…`, `-J …`), and all their options.
import type { ConfigDirective } from './sshConfigParse.ts';

/** One hop of a ProxyJump list; unset user/port come from the ssh config for that host, then defaults. */
export interface JumpHop {
  host: string;
  user?: string;
  port?: number;
}

/** Parses `a,user@b:2222,ssh://c`; `problem` says what is wrong with a malformed value. */
export function parseJumpSpec(spec: string): { hops: JumpHop[]; problem?: string } {
  const hops: JumpHop[] = [];
  for (const raw of spec.split(',')) {
    const hop = parseHop(raw.trim());
    if (typeof hop === 'string') return { hops: [], problem: hop };
    hops.push(hop);
  }
  return { hops };
}

function parseHop(text: string): JumpHop | string {
  let rest = text.replace(/^ssh:\/\//i, '');
  if (rest === '') return 'empty jump host';
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (user === '') return `empty user in ${text}`;
  }
  let host = rest;
  let port: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (v6) {
    host = v6[1]!;
    port = v6[2];
  } else if (rest.split(':').length === 2) {
    [host, port] = rest.split(':') as [string, string];
  }
  if (host === '' || /[\s/]/.test(host)) return `bad jump host in ${text}`;
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)) return `bad port in ${text}`;
  return { host, ...(user !== undefined ? { user } : {}), ...(port !== undefined ? { port: Number(port) } : {}) };
}

/**
 * The ProxyJump (or ProxyCommand, which fleetplay refuses) named by ssh command-line arguments such as
 * ansible_ssh_common_args: `-o ProxyJump=a,b`, `-oProxyJump=a`, `-o "ProxyJump a"`, `-J a`, `-Ja`. As
 * with ssh, the first one given wins. Every other option is ignored (see docs/ssh-config.md).
 */
export function jumpFromSshArgs(text: string): { proxyJump?: string; proxyCommand?: string } {
  const words = shellWords(text);
  const found: { proxyJump?: string; proxyCommand?: string } = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let option: string | undefined;
    if (w === '-o') option = words[++i];
    else if (w.startsWith('-o')) option = w.slice(2);
    else if (w === '-J') found.proxyJump ??= words[++i];
    else if (w.startsWith('-J')) found.proxyJump ??= w.slice(2);
    if (option === undefined) continue;
    const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(option);
    const key = m?.[1]?.toLowerCase();
    if (key === 'proxyjump' && found.proxyCommand === undefined) found.proxyJump ??= m![2]!.trim();
    if (key === 'proxycommand' && found.proxyJump === undefined) found.proxyCommand ??= m![2]!.trim();
  }
  return found;
}

/**
 * Every option of ssh command-line arguments such as ansible_ssh_common_args, as config directives that
 * come before the ssh config's own (ssh applies `-o` options first, and the first value obtained wins):
 * `-o Key=Value`, `-oKey=Value`, `-o "Key Value"`, and `-J` (ProxyJump), `-i` (IdentityFile), `-p`
 * (Port), `-l` (User). Keywords fleetplay does not apply are ignored, as in an ssh config, and so is
 * StrictHostKeyChecking.
 */
export function sshArgsDirectives(text: string, where: string): ConfigDirective[] {
  const words = shellWords(text);
  const out: ConfigDirective[] = [];
  const add = (keyword: string, value: string | undefined): void => {
    if (value !== undefined && value.trim() !== '') out.push({ keyword, args: [value.trim()], file: where, line: 0, blocks: [] });
  };
  const short: Record<string, string> = { J: 'proxyjump', i: 'identityfile', p: 'port', l: 'user' };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const flag = /^-([oJipl])(.*)$/.exec(w);
    if (!flag) continue;
    const value = flag[2] !== '' ? flag[2] : words[++i];
    if (flag[1] !== 'o') {
      add(short[flag[1]!]!, value);
      continue;
    }
    const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(value ?? '');
    // A playbook's vars may set these variables: they never lower host key checking (the command
    // line's flag and the inventory's host_key_checking are the only opt-outs).
    if (m && m[1]!.toLowerCase() !== 'stricthostkeychecking') add(m[1]!.toLowerCase(), m[2]);
  }
  return out;
}

/**
 * ssh arguments without their `-o Keyword=…` options for `keywords` (lower case), as words for
 * sshArgsDirectives to read again: for arguments from a source that may not choose them.
 */
export function withoutSshOptions(text: string, keywords: readonly string[]): string[] {
  const words = shellWords(text);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const joined = w.startsWith('-o') && w !== '-o';
    const option = joined ? w.slice(2) : w === '-o' ? words[i + 1] : undefined;
    const key = option !== undefined ? /^\s*([A-Za-z]+)/.exec(option)?.[1]?.toLowerCase() : undefined;
    if (key !== undefined && keywords.includes(key)) {
      if (!joined) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

// POSIX shell words: whitespace separated, 'single' and "double" quotes, backslash escapes. No expansion.
function shellWords(text: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word = (word ?? '') + text[++i];
      else word = (word ?? '') + c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) out.push(word);
  return out;
}
