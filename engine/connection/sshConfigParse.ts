// Reads an OpenSSH client config (ssh_config(5)) into a flat list of directives, each with the Host/Match
// blocks it sits in; `Include` files are read in place. Values are checked here, once, so that resolving a
// host (sshConfig.ts) never fails. Only the keywords fleetplay uses are kept; any other keyword is skipped.
import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readControllerFile } from '../controllerFile.ts';
import { FleetError } from '../errors.ts';
import { globMatches } from './hostGlob.ts';
import { parseJumpSpec } from './sshJumpSpec.ts';

/** A host pattern: a glob, possibly negated with `!`. */
export interface HostPattern {
  negated: boolean;
  glob: string;
}

/** One criterion of a `Match` line; `unsupported` criteria (exec, canonical, ...) never match. */
export type MatchCriterion =
  | { kind: 'all' }
  | { kind: 'host' | 'originalhost' | 'user' | 'localuser'; negated: boolean; patterns: HostPattern[] }
  | { kind: 'unsupported'; text: string };

/** The condition of a block: a `Host` line's patterns or a `Match` line's criteria (all must hold). */
export type ConfigBlock = { kind: 'host'; patterns: HostPattern[] } | { kind: 'match'; criteria: MatchCriterion[] };

/** One directive, lower-cased keyword, with where it was written and the blocks (outermost first) it is in. */
export interface ConfigDirective {
  keyword: string;
  args: string[];
  file: string;
  line: number;
  blocks: ConfigBlock[];
}

/** A parsed config: its directives in file order, and notes for the operator (unsupported Match criteria). */
export interface SshConfig {
  file: string;
  directives: ConfigDirective[];
  notes: string[];
}

// The keywords fleetplay applies; every other keyword of ssh_config(5) is accepted and ignored.
const USED = new Set([
  'hostname',
  'user',
  'port',
  'identityfile',
  'identitiesonly',
  'proxyjump',
  'proxycommand',
  'connecttimeout',
  'serveraliveinterval',
  'serveralivecountmax',
  'stricthostkeychecking',
  'userknownhostsfile',
]);
/** `%` tokens allowed per keyword (ssh_config(5) TOKENS), `%%` always. */
export const TOKENS: Readonly<Record<string, string>> = { hostname: 'h', identityfile: 'dhlnpru', userknownhostsfile: 'dhlnpru' };
const MAX_INCLUDE_DEPTH = 16;
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** Reads `file` and everything it includes; throws a FleetError with file:line for a malformed line. */
export function parseSshConfig(file: string, home = os.homedir()): SshConfig {
  const config: SshConfig = { file, directives: [], notes: [] };
  readInto(config, file, [], 0, home);
  return config;
}

function readInto(config: SshConfig, file: string, outer: ConfigBlock[], depth: number, home: string): void {
  if (depth > MAX_INCLUDE_DEPTH)
    throw new FleetError('arguments', `ssh config ${file}: Include nested more than ${MAX_INCLUDE_DEPTH} deep`);
  checkOwnership(file);
  const text = readControllerFile(file, { what: 'ssh config', maxBytes: MAX_CONFIG_BYTES }).toString('utf8');
  let blocks = outer;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const fail = (message: string, column = 1): never => {
      throw new FleetError('arguments', `ssh config: ${message}`, { location: { file, line, column } });
    };
    const m = /^\s*([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+|$)(.*)$/.exec(raw);
    if (!m) {
      if (/^\s*(#.*)?$/.test(raw)) return;
      fail('expected "Keyword value"');
    }
    const keyword = m![1]!.toLowerCase();
    const args = splitArgs(m![2]!, fail);
    if (keyword === 'host') {
      if (args.length === 0) fail('Host needs at least one pattern');
      blocks = [...outer, { kind: 'host', patterns: args.map(pattern) }];
    } else if (keyword === 'match') {
      const criteria = matchCriteria(args, fail);
      blocks = [...outer, { kind: 'match', criteria }];
      for (const c of criteria)
        if (c.kind === 'unsupported')
          config.notes.push(`${file}:${line}: Match ${c.text} is not supported by fleetplay: this Match block never applies`);
    } else if (keyword === 'include') {
      if (args.length === 0) fail('Include needs a file');
      for (const a of args) for (const f of includeFiles(a, home)) readInto(config, f, blocks, depth + 1, home);
    } else if (USED.has(keyword)) {
      if (args.length === 0) fail(`${m![1]} needs a value`);
      checkValue(keyword, args, fail);
      config.directives.push({ keyword, args, file, line, blocks });
    }
  });
}

// Like OpenSSH ("Bad owner or permissions"): a config others can write could send every connection elsewhere.
function checkOwnership(file: string): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch {
    return; // readControllerFile reports it
  }
  const uid = process.getuid?.();
  if ((st.mode & 0o022) !== 0 || (uid !== undefined && st.uid !== uid && st.uid !== 0))
    throw new FleetError(
      'arguments',
      `ssh config ${file}: bad owner or permissions (it must be yours or root's, and not group- or world-writable)`,
    );
}

// ssh_config(5) arguments: whitespace separated, "double" or 'single' quoted; an unquoted # starts a comment.
function splitArgs(text: string, fail: (m: string) => never): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length || text[i] === '#') break;
    let word = '';
    while (i < text.length && !/\s/.test(text[i]!)) {
      const c = text[i]!;
      if (c === '"' || c === "'") {
        const end = text.indexOf(c, i + 1);
        if (end < 0) fail('unterminated quote');
        word += text.slice(i + 1, end);
        i = end + 1;
      } else {
        word += c;
        i++;
      }
    }
    out.push(word);
  }
  return out;
}

function pattern(text: string): HostPattern {
  return text.startsWith('!') ? { negated: true, glob: text.slice(1) } : { negated: false, glob: text };
}

// `Match all`, `Match host a,b user !root`, ...: a criterion name then (except all) one comma list.
function matchCriteria(args: string[], fail: (m: string) => never): MatchCriterion[] {
  if (args.length === 0) fail('Match needs a criterion');
  const out: MatchCriterion[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!.toLowerCase();
    const negated = word.startsWith('!');
    const name = negated ? word.slice(1) : word;
    if (name === 'all') {
      if (args.length !== 1) fail('Match all must stand alone');
      out.push({ kind: 'all' });
    } else if (name === 'canonical' || name === 'final') {
      out.push({ kind: 'unsupported', text: word });
    } else {
      const value = args[++i];
      if (value === undefined) fail(`Match ${word} needs a value`);
      if (name === 'host' || name === 'originalhost' || name === 'user' || name === 'localuser')
        out.push({ kind: name, negated, patterns: value!.split(',').filter(Boolean).map(pattern) });
      else out.push({ kind: 'unsupported', text: `${word} ${value}` });
    }
  }
  return out;
}

const NUMBER = /^\d+$/;

function checkValue(keyword: string, args: string[], fail: (m: string) => never): void {
  const v = args[0]!;
  const lower = v.toLowerCase();
  const tokens = TOKENS[keyword];
  for (const a of keyword === 'userknownhostsfile' ? args : [v]) {
    const bad = /%(.|$)/g;
    for (let t = bad.exec(a); t; t = bad.exec(a))
      if (t[1] !== '%' && !tokens?.includes(t[1]!)) fail(`${a}: token %${t[1]} is not supported here`);
  }
  switch (keyword) {
    case 'port':
      if (!NUMBER.test(v) || Number(v) < 1 || Number(v) > 65535) fail(`Port ${v} is not a port number`);
      break;
    case 'connecttimeout':
    case 'serveraliveinterval':
    case 'serveralivecountmax':
      if (!NUMBER.test(v) && lower !== 'none') fail(`${keyword} ${v} is not a number`);
      break;
    case 'identitiesonly':
      if (!['yes', 'no'].includes(lower)) fail(`IdentitiesOnly ${v}: expected yes or no`);
      break;
    case 'stricthostkeychecking':
      if (!['yes', 'no', 'ask', 'accept-new', 'off'].includes(lower))
        fail(`StrictHostKeyChecking ${v}: expected yes, no, ask or accept-new`);
      break;
    case 'proxyjump': {
      if (lower === 'none') break;
      const problem = parseJumpSpec(v).problem;
      if (problem) fail(`ProxyJump ${v}: ${problem}`);
      break;
    }
  }
}

// Include: `~` is the home directory, a relative path is under ~/.ssh; globs expand sorted; no match is no file.
function includeFiles(arg: string, home: string): string[] {
  const full = arg.startsWith('~/') ? path.join(home, arg.slice(2)) : path.isAbsolute(arg) ? arg : path.join(home, '.ssh', arg);
  let found = ['/'];
  for (const part of full.split('/').filter(Boolean)) {
    if (!/[*?]/.test(part)) {
      found = found.map((d) => path.join(d, part));
      continue;
    }
    found = found.flatMap((d) => {
      let names: string[];
      try {
        names = readdirSync(d);
      } catch {
        return [];
      }
      // glob(3): a wildcard never matches a leading dot.
      return names
        .filter((n) => !n.startsWith('.') && globMatches(part, n))
        .sort()
        .map((n) => path.join(d, n));
    });
  }
  return found.filter((f) => {
    try {
      return statSync(f).isFile();
    } catch {
      return false;
    }
  });
}
