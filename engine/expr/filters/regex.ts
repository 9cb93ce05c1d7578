// The regex filters: Python's re.search, re.sub, re.findall and re.escape on the linear-time RE2 engine.
import { checkTemplate, parseTemplate } from '../../regex/index.ts';
import { problem } from '../error.ts';
import { compileRegex, regexProblems, regexSubject } from '../regex.ts';
import type { BoundArgs } from '../signature.ts';
import { toText, truthy, typeName } from '../values.ts';
import type { FilterEntry } from './spec.ts';

// Ansible's regex_search: the whole match, or a list of the groups named by '\\1' / '\\g<name>' arguments.
function regexSearch(value: unknown, args: BoundArgs): unknown {
  const groups = args.rest.map((ref) => {
    const match = typeof ref === 'string' ? /^\\(?:(\d+)|g<(\w+)>)$/.exec(ref) : null;
    if (!match) return problem(`regex_search: unknown argument ${JSON.stringify(ref)}; use '\\\\1' or '\\\\g<name>'`);
    return match[1] !== undefined ? Number(match[1]) : (match[2] ?? '');
  });
  const regex = compileRegex(args.values.get('regex'), regexFlags(args));
  for (const group of groups) {
    const known = typeof group === 'number' ? group <= regex.groupCount : regex.groupNames.includes(group);
    if (!known) problem(`regex_search: the pattern has no group ${JSON.stringify(group)}`);
  }
  const found = regexProblems(() => regex.search(regexSubject(toText(value))));
  if (!found) return null;
  if (groups.length === 0) return found.groups[0];
  return groups.map((group) => (typeof group === 'number' ? found.groups[group] : found.named[group]) ?? null);
}

// Ansible's regex_replace: Python's re.subn with its replacement template, `count` and `mandatory_count`.
function regexReplace(value: unknown, args: BoundArgs): string {
  const regex = compileRegex(args.values.get('pattern') ?? '', regexFlags(args));
  const replacement = args.values.get('replacement') ?? '';
  if (typeof replacement !== 'string') return problem(`regex_replace: the replacement must be a string, not ${typeName(replacement)}`);
  const count = counter(args.values.get('count'), 'count');
  const mandatory = counter(args.values.get('mandatory_count'), 'mandatory_count');
  const subject = regexSubject(toText(value));
  const result = regexProblems(() => {
    const template = parseTemplate(replacement);
    checkTemplate(template, regex);
    return regex.sub(subject, template, count);
  });
  if (mandatory > 0 && mandatory !== result.count) {
    return problem(`regex_replace: the pattern should match ${mandatory} times, but matches ${result.count} times`);
  }
  return result.text;
}

// Ansible's regex_findall (Python's re.findall): whole matches, one group's text, or a list per match of all groups.
function regexFindall(value: unknown, args: BoundArgs): unknown[] {
  const regex = compileRegex(args.values.get('regex'), regexFlags(args));
  const matches = regexProblems(() => regex.findAll(regexSubject(toText(value))));
  if (regex.groupCount === 0) return matches.map((m) => m.groups[0] ?? '');
  if (regex.groupCount === 1) return matches.map((m) => m.groups[1] ?? '');
  return matches.map((m) => m.groups.slice(1).map((g) => g ?? ''));
}

// Ansible's regex_escape: Python's re.escape, or the special characters of a POSIX basic regex.
function regexEscape(value: unknown, args: BoundArgs): string {
  const type = args.values.get('re_type') ?? 'python';
  const text = toText(value);
  if (type === 'python') return text.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, '\\$&');
  if (type === 'posix_basic') return text.replace(/[\].[^$*\\]/g, '\\$&');
  if (type === 'posix_extended') return problem('regex_escape: regex type (posix_extended) not yet implemented');
  return problem(`regex_escape: invalid regex type (${toText(type)})`);
}

function regexFlags(args: BoundArgs): { ignorecase: boolean; multiline: boolean } {
  return { ignorecase: truthy(args.values.get('ignorecase')), multiline: truthy(args.values.get('multiline')) };
}

function counter(value: unknown, name: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    return problem(`regex_replace: ${name} must be a whole number ≥ 0`);
  return value;
}

/** The regex filters. */
export const REGEX_FILTERS: FilterEntry[] = [
  [
    ['regex_search'],
    { signature: { params: ['regex'], required: 1, variadic: true, keywordOnly: ['ignorecase', 'multiline'] }, apply: regexSearch },
  ],
  [
    ['regex_replace'],
    {
      signature: { params: ['pattern', 'replacement', 'ignorecase', 'multiline', 'count', 'mandatory_count'], required: 0 },
      apply: regexReplace,
    },
  ],
  [['regex_findall'], { signature: { params: ['regex', 'multiline', 'ignorecase'], required: 1 }, apply: regexFindall }],
  [['regex_escape'], { signature: { params: ['re_type'], required: 0 }, apply: regexEscape }],
];
