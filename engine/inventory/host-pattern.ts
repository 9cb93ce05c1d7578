// Expands an inventory host entry such as `web[01:20].example.com:2222` into host names and a port, like Ansible.

/** Host names produced by one inventory entry, with the port given by a `:port` suffix. */
export type HostExpansion = { hosts: string[]; port?: number } | { error: string };

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
// Guards against a typo such as [1:100000000] eating all memory.
const MAX_RANGE = 100_000;
const MAX_TEXT = 16_000_000;
const BRACKETED_IPV6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/;

/** Expands ranges (`[01:20]`, `[1:9:2]`, `[a:f]`) and splits off a `:port` suffix. */
export function expandHostPattern(entry: string): HostExpansion {
  const split = splitPort(entry);
  if ('error' in split) return split;
  if (split.name.trim() === '---') return { error: `invalid host '${entry}': '---' is a sign that this file is YAML` };
  if (split.name === '') return { error: 'empty host name' };
  const hosts: string[] = [];
  const error = expandRanges(split.name, hosts);
  if (error) return { error: `bad host range in '${entry}': ${error}` };
  return split.port === undefined ? { hosts } : { hosts, port: split.port };
}

function splitPort(entry: string): { name: string; port?: number } | { error: string } {
  const bracketed = BRACKETED_IPV6.exec(entry);
  if (bracketed?.[1] && bracketed[1].split(':').length > 2) {
    const port = bracketed[2];
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
      return { error: `invalid port '${port}' in host '${entry}': a port is a number from 1 to 65535` };
    }
    return port === undefined ? { name: bracketed[1] } : { name: bracketed[1], port: Number(port) };
  }
  const colons = colonsOutsideBrackets(entry);
  // Two or more colons: a bare IPv6 address, which cannot carry a port.
  if (colons.length !== 1) return { name: entry };
  const at = colons[0] ?? 0;
  const port = entry.slice(at + 1);
  if (port === '') {
    return { error: `invalid host '${entry}': a trailing ':' is reserved for a port number` };
  }
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return { error: `invalid port '${port}' in host '${entry}': a port is a number from 1 to 65535` };
  }
  return { name: entry.slice(0, at), port: Number(port) };
}

function colonsOutsideBrackets(text: string): number[] {
  const found: number[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === ':' && depth === 0) found.push(i);
  }
  return found;
}

// Expands every [..] range of `name`, left to right; returns an error message or undefined. Iterative, with
// caps on the host count and total text, so `h[1:2][1:2]…` cannot explode or exhaust the stack.
function expandRanges(name: string, out: string[]): string | undefined {
  let names = [''];
  let rest = name;
  for (;;) {
    const open = rest.indexOf('[');
    const head = open === -1 ? rest : rest.slice(0, open);
    if (head.includes(']')) return `']' without '['`;
    if (open === -1) {
      names = names.map((prefix) => prefix + rest);
      break;
    }
    const close = rest.indexOf(']', open);
    if (close === -1) return `'[' without ']'`;
    const sequence = rangeSequence(rest.slice(open + 1, close));
    if (typeof sequence === 'string') return sequence;
    const count = names.length * sequence.length;
    if (count > MAX_RANGE) return `expands to more than ${MAX_RANGE} hosts`;
    if (count * (name.length + 1) > MAX_TEXT) return `expands to more than ${MAX_TEXT} characters of host names`;
    names = names.flatMap((prefix) => sequence.map((item) => prefix + head + item));
    rest = rest.slice(close + 1);
  }
  out.push(...names);
  return undefined;
}

// The items of one range body such as `01:20`, `1:9:2` or `a:f`; a string is an error message.
function rangeSequence(body: string): string[] | string {
  const bounds = body.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) return `range [${body}] must be begin:end or begin:end:step`;
  const begin = bounds[0] || '0';
  const end = bounds[1] ?? '';
  const stepText = bounds[2] ?? '1';
  if (end === '') return `range [${body}] has no end value`;
  if (!/^\d+$/.test(stepText) || Number(stepText) === 0) return `range [${body}] needs a positive integer step`;
  const step = Number(stepText);

  const b = LETTERS.indexOf(begin);
  const e = LETTERS.indexOf(end);
  if (begin.length === 1 && end.length === 1 && b !== -1 && e !== -1) {
    if (b > e) return `range [${body}] must have begin <= end`;
    const letters: string[] = [];
    for (let i = b; i <= e; i += step) letters.push(LETTERS.charAt(i));
    return letters;
  }
  if (!/^\d+$/.test(begin) || !/^\d+$/.test(end)) return `range [${body}] must use numbers or single letters`;
  // A leading zero asks for zero-padded names, which needs equal-width bounds.
  const width = begin.length > 1 && begin.startsWith('0') ? begin.length : 0;
  if (width > 0 && end.length !== width) return `range [${body}] must have begin and end of equal width`;
  const from = Number(begin);
  const to = Number(end);
  if (from > to) return `range [${body}] must have begin <= end`;
  if ((to - from) / step >= MAX_RANGE) return `range [${body}] has more than ${MAX_RANGE} items`;
  const numbers: string[] = [];
  for (let i = from; i <= to; i += step) numbers.push(String(i).padStart(width, '0'));
  return numbers;
}
