// lineinfile's rules on lines, ported from Ansible: present (regexp, search_string, insertafter/insertbefore,
// backrefs, firstmatch) and absent. Pure: the module's decide runs them on the text its probe read.
import { PythonRegex } from '../../engine/regex/index.ts';
import { expandTemplate, parseTemplate, pythonRegex, type TextEdit } from '../lib/lineEdit.ts';
import type { LineinfileArgs } from './schema.ts';

/** What lineinfile was asked to do, with regexes already compiled. */
export interface LineSpec {
  line?: string;
  regexp?: PythonRegex;
  searchString?: string;
  /** 'EOF', 'BOF' or a compiled pattern. */
  insertAfter?: 'EOF' | 'BOF' | PythonRegex;
  insertBefore?: 'BOF' | PythonRegex;
  backrefs: boolean;
  firstMatch: boolean;
}

/** Splits text into lines that keep their '\n' (like Python's readlines on bytes). */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
    out.push(text.slice(start, i + 1));
    start = i + 1;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

const bare = (l: string): string => l.replace(/[\r\n]+$/, '');
const endsLine = (l: string): boolean => l.endsWith('\n') || l.endsWith('\r');

// Python's `$` also matches just before a final newline; searching the line without it gives the same result in RE2.
const withoutNewline = (l: string): string => (l.endsWith('\n') ? l.slice(0, -1) : l);
// Every line at once: one operation (one time budget) for a pattern on the backtracking engine.
const searchAll = (re: PythonRegex, lines: readonly string[]): boolean[] => re.testEach(lines.map(withoutNewline));

// The engine is linear in the text, but a large compiled pattern over a large file still costs: bound it up front.
function checkWork(input: readonly string[], ...patterns: Array<PythonRegex | string | undefined>): void {
  const length = input.reduce((sum, l) => sum + l.length, 0);
  for (const p of patterns) if (p instanceof PythonRegex) p.checkWork(length);
}

/** Ansible's lineinfile `state: present`, ported line for line (lines keep their endings). */
export function ensurePresent(input: readonly string[], spec: LineSpec): TextEdit {
  const lines = [...input];
  const line = spec.line ?? '';
  const ins =
    spec.insertAfter instanceof PythonRegex ? spec.insertAfter : spec.insertBefore instanceof PythonRegex ? spec.insertBefore : undefined;
  checkWork(input, spec.regexp, ins);
  let found = -1;
  let at = -1;
  let matched = false;
  let exact = false;
  if (spec.regexp) {
    const hits = searchAll(spec.regexp, lines);
    for (let i = 0; i < lines.length; i++) {
      if (hits[i]) {
        [found, matched] = [i, true];
        if (spec.firstMatch) break;
      }
    }
  }
  if (spec.searchString !== undefined) {
    for (let i = 0; i < lines.length; i++) {
      if ((lines[i] as string).includes(spec.searchString)) {
        [found, matched] = [i, true];
        if (spec.firstMatch) break;
      }
    }
  }
  if (!matched) {
    const hits = ins ? searchAll(ins, lines) : [];
    for (let i = 0; i < lines.length; i++) {
      const cur = lines[i] as string;
      if (bare(cur) === line) {
        [found, exact] = [i, true];
      } else if (hits[i]) {
        at = spec.insertAfter instanceof PythonRegex ? i + 1 : i;
        if (spec.firstMatch) break;
      }
    }
  }
  const add = (index: number): TextEdit => {
    lines.splice(index, 0, `${line}\n`);
    return { content: lines.join(''), changed: true, msg: 'line added' };
  };
  const same: TextEdit = { content: input.join(''), changed: false, msg: '' };
  if (found !== -1) {
    const match = spec.backrefs && spec.regexp && matched ? spec.regexp.search(withoutNewline(lines[found] as string)) : null;
    let newLine = match ? expandTemplate(parseTemplate(line, 'arguments'), match.groups, match.named, 'arguments') : line;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (lines[found] === newLine) return { ...same, msg: exact || !spec.regexp ? 'line is present' : 'line matches' };
    lines[found] = newLine;
    return { content: lines.join(''), changed: true, msg: 'line replaced' };
  }
  // Without a match, backrefs would have nothing to expand: Ansible leaves the file alone.
  if (spec.backrefs) return { ...same, msg: 'regexp did not match; nothing to do with backrefs' };
  if (spec.insertBefore === 'BOF' || spec.insertAfter === 'BOF') return add(0);
  if (spec.insertAfter === 'EOF' || at === -1) {
    if (lines.length && !endsLine(lines[lines.length - 1] as string)) lines.push('\n');
    return add(lines.length);
  }
  if (spec.insertAfter instanceof PythonRegex) {
    if (at === lines.length) {
      if (bare(lines[at - 1] as string) === line) return same;
      // Ansible would glue the new line onto a last line that has no newline; end that line first.
      if (!endsLine(lines[at - 1] as string)) lines[at - 1] += '\n';
      return add(at);
    }
    return bare(lines[at] as string) === line ? same : add(at);
  }
  return add(at);
}

/** Ansible's lineinfile `state: absent`: drops every line matching regexp, search_string or the exact line. */
export function ensureAbsent(input: readonly string[], spec: LineSpec): TextEdit {
  checkWork(input, spec.regexp);
  const hits = spec.regexp ? searchAll(spec.regexp, input) : [];
  const kept = input.filter((l, i) => {
    if (spec.regexp) return !hits[i];
    if (spec.searchString !== undefined) return !l.includes(spec.searchString);
    return bare(l) !== spec.line;
  });
  const removed = input.length - kept.length;
  return { content: kept.join(''), changed: removed > 0, msg: removed > 0 ? `${removed} line(s) removed` : 'no matching line' };
}

/** Compiles the task's arguments into a LineSpec; throws a RegexError on a bad or refused regex. */
export function lineSpec(args: LineinfileArgs): LineSpec {
  const after = args.insertafter;
  const before = args.insertbefore;
  return {
    ...(args.line !== undefined ? { line: args.line } : {}),
    ...(args.regexp !== undefined ? { regexp: pythonRegex(args.regexp) } : {}),
    ...(args.search_string !== undefined ? { searchString: args.search_string } : {}),
    ...(after !== undefined ? { insertAfter: after === 'EOF' || after === 'BOF' ? after : pythonRegex(after) } : {}),
    ...(before !== undefined ? { insertBefore: before === 'BOF' ? before : pythonRegex(before) } : {}),
    backrefs: args.backrefs === true,
    firstMatch: args.firstmatch === true,
  };
}
