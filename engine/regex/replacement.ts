// Python replacement templates (re.sub, match.expand): `\1`, `\g<1>`, `\g<name>`, `\n`, `\\`; `$` stays literal.
import type { ErrorKind } from '../errors.ts';
import type { PythonRegex } from './compile.ts';
import { RegexError } from './error.ts';

/** One piece of a parsed replacement template: literal text or a group reference. */
export type TemplatePart = string | { group: number | string };

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Parses a Python replacement template; a bad escape or group reference is a RegexError of `kind`. */
export function parseTemplate(template: string, kind: ErrorKind = 'expression'): TemplatePart[] {
  const fail = (message: string): never => {
    throw new RegexError(kind, message);
  };
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (c !== '\\' || i + 1 >= template.length) {
      text += c;
      continue;
    }
    const next = template[i + 1] as string;
    const rest = template.slice(i + 1, i + 1 + 256);
    const group = /^g<([^>]*)>/.exec(rest);
    const octal = /^(?:0[0-7]{0,2}|[0-3][0-7]{2})/.exec(rest);
    const digits = /^[0-9]{1,2}/.exec(rest);
    if (next === 'g') {
      if (!group) return fail('missing or unterminated group reference \\g<...> in replacement');
      const ref = group[1] as string;
      if (!/^(\d+|[A-Za-z_]\w*)$/.test(ref)) fail(`bad group reference \\g<${ref}> in replacement`);
      parts.push(text, { group: /^\d+$/.test(ref) ? Number(ref) : ref });
      text = '';
      i += group[0].length;
    } else if (octal) {
      // Python: \0, \0o, \0oo and three octal digits are characters; other \N and \NN are groups.
      text += String.fromCharCode(parseInt(octal[0], 8));
      i += octal[0].length;
    } else if (digits) {
      parts.push(text, { group: Number(digits[0]) });
      text = '';
      i += digits[0].length;
    } else if (ESCAPES[next] !== undefined) {
      text += ESCAPES[next];
      i++;
    } else if (/[A-Za-z]/.test(next)) {
      // Python's words.
      fail(`bad escape \\${next} at position ${i}`);
    } else {
      text += `\\${next}`;
      i++;
    }
  }
  parts.push(text);
  return parts.filter((p) => p !== '');
}

/** Checks a template's group references against a pattern before any match, as Python does. */
export function checkTemplate(parts: readonly TemplatePart[], regex: PythonRegex, kind: ErrorKind = 'expression'): void {
  const names = new Set(regex.groupNames);
  for (const part of parts) {
    if (typeof part === 'string') continue;
    if (typeof part.group === 'number' && part.group > regex.groupCount) {
      throw new RegexError(kind, `invalid group reference ${part.group} in replacement`);
    }
    if (typeof part.group === 'string' && !names.has(part.group)) {
      throw new RegexError(kind, `unknown group name '${part.group}' in replacement`);
    }
  }
}

/** Fills a parsed template from a match; an unmatched group gives '' (as in Python 3.5+). */
export function expandTemplate(
  parts: readonly TemplatePart[],
  groups: ReadonlyArray<string | undefined>,
  named?: Readonly<Record<string, string | undefined>>,
  kind: ErrorKind = 'expression',
): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') {
      out += p;
    } else if (typeof p.group === 'number') {
      if (p.group >= groups.length) throw new RegexError(kind, `invalid group reference ${p.group} in replacement`);
      out += groups[p.group] ?? '';
    } else {
      if (!named || !Object.hasOwn(named, p.group)) throw new RegexError(kind, `unknown group name '${p.group}' in replacement`);
      out += named[p.group] ?? '';
    }
  }
  return out;
}

/** A template reduced to its literal length and how often it names each group, for sizing an expansion. */
interface TemplateShape {
  literal: number;
  refs: Map<number | string, number>;
}

const shapes = new WeakMap<readonly TemplatePart[], TemplateShape>();

/** The length `expandTemplate` would return, computed without building it (unknown groups count as empty). */
export function expandedLength(
  parts: readonly TemplatePart[],
  groups: ReadonlyArray<string | undefined>,
  named?: Readonly<Record<string, string | undefined>>,
): number {
  let shape = shapes.get(parts);
  if (!shape) {
    shape = { literal: 0, refs: new Map() };
    for (const p of parts) {
      if (typeof p === 'string') shape.literal += p.length;
      else shape.refs.set(p.group, (shape.refs.get(p.group) ?? 0) + 1);
    }
    shapes.set(parts, shape);
  }
  let length = shape.literal;
  for (const [group, times] of shape.refs) {
    const text = typeof group === 'number' ? groups[group] : named && Object.hasOwn(named, group) ? named[group] : undefined;
    length += times * (text?.length ?? 0);
  }
  return length;
}
