// The INI edit itself, pure: community.general.ini_file's rules (sections, commented options, exclusive
// values, allow_no_value, ignore_spaces) applied to a file's text, with its `changed` flag and messages.
import { compilePythonRegex } from '../../engine/regex/index.ts';
import type { TextEdit } from '../lib/lineEdit.ts';

/** What to do to the file: the arguments after defaults, with `values` already deduplicated. */
export interface IniSpec {
  /** undefined: before the first section. */
  section?: string;
  /** section_has_values: of sections of that name, the first holding these options (with one of the values, when given). */
  sectionHas?: Array<{ option: string; values: string[] }>;
  option?: string;
  values: string[];
  state: 'present' | 'absent';
  exclusive: boolean;
  noExtraSpaces: boolean;
  ignoreSpaces: boolean;
  allowNoValue: boolean;
  modifyInactiveOption: boolean;
}

/**
 * Ansible stands the lines before the first section in a made-up section of this name (it cannot collide
 * with a real one), and a lone `[` after the last line, so every section has a start and an end.
 */
const FAKE_SECTION = 'ad01e11446efb704fcdbdb21f2c43757423d91c5';

/** Python's re.escape: the characters it escapes, each behind a backslash. */
export function pyEscape(text: string): string {
  return text.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}

interface OptionMatch {
  comment: string;
  sep: string;
  value: string;
}

/**
 * Ansible's match_opt / match_active_opt on one line. The line is matched without its trailing newline:
 * Python's `$` also matches before it, and `.` never crosses it, so the groups are the same.
 */
function matchOption(option: string, line: string, inactiveToo: boolean): OptionMatch | undefined {
  const comment = inactiveToo ? '[#;]?' : '';
  const re = compilePythonRegex(
    `(?: |\\t)*(?P<comment>${comment})(?: |\\t)*${pyEscape(option)}(?: |\\t)*(?P<sep>=|$)(?: |\\t)*(?P<value>.*)`,
    {
      kind: 'arguments',
    },
  );
  const m = re.match(line.endsWith('\n') ? line.slice(0, -1) : line);
  if (!m) return undefined;
  return { comment: m.named.comment ?? '', sep: m.named.sep ?? '', value: m.named.value ?? '' };
}

/** A blank line or a comment: new options go after the last line that is neither. */
const blankOrComment = (line: string): boolean => /^[ \t]*(?:[#;][^\n]*)?\n?$/.test(line);

/** The file's text as Python reads it: a UTF-8 BOM dropped, universal newlines turned into '\n'. */
export function normalizeIniText(text: string): string {
  return (text.startsWith('\uFEFF') ? text.slice(1) : text).replace(/\r\n?/g, '\n');
}

/** Splits text into lines, each keeping its '\n' (Python's readlines). */
function readLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Applies `spec` to `text` (already normalized): the new text, whether Ansible counts it as changed,
 * and its message ('OK', 'option added', 'option changed', 'section removed', ...). A RegexError when
 * a line is too long for the linear-time matcher.
 */
export function editIni(text: string, spec: IniSpec): TextEdit {
  const { option, allowNoValue, sectionHas } = spec;
  const values = [...spec.values];
  const sep = spec.noExtraSpaces ? '=' : ' = ';
  const assign = (v: string) => `${option}${sep}${v}\n`;
  let changed = false;
  let msg = 'OK';

  let lines = readLines(text);
  if (lines.length === 0) lines.push('\n');
  const last = lines.length - 1;
  if (!lines[last]!.endsWith('\n')) {
    lines[last] += '\n';
    changed = true;
  }
  lines = [`[${FAKE_SECTION}]`, ...lines, '['];
  const section = spec.section ? spec.section : FAKE_SECTION;

  // The section: from its first header to the next line starting with '['.
  const header = compilePythonRegex(`^\\[\\s*${pyEscape(section.trim())}\\s*]`, { kind: 'arguments' });
  let within = false;
  let start = 0;
  let end = 0;
  const qualifies = (body: string[]) =>
    (sectionHas ?? []).every((c) =>
      body.some((line) => {
        const m = matchOption(c.option, line, true);
        return m !== undefined && (c.values.length === 0 || c.values.includes(m.value));
      }),
    );
  for (let i = 0; i < lines.length; i++) {
    if (within && lines[i]!.startsWith('[')) {
      if (qualifies(lines.slice(start, i))) {
        end = i;
        break;
      }
      // not this one: look for another section of the name
      within = false;
      start = 0;
      end = 0;
    }
    if (header.match(lines[i]!)) {
      within = true;
      start = i;
    }
  }
  const before = lines.slice(0, start);
  let body = lines.slice(start, end);
  const after = lines.slice(end);
  const touched = body.map(() => false);
  const inactive = spec.modifyInactiveOption;

  const update = (index: number, newline: string) => {
    let differs: boolean | undefined;
    if (spec.ignoreSpaces && option !== undefined) {
      const old = matchOption(option, body[index]!, true);
      if (old && !old.comment) differs = old.value !== matchOption(option, newline, true)?.value;
    }
    differs ??= body[index] !== newline;
    if (differs) {
      body[index] = newline;
      changed = true;
      msg = 'option changed';
    }
    touched[index] = true;
  };
  // A commented mention without '=' ("; output_buffering") is documentation, never replaced or removed.
  const replaceable = (index: number): boolean => {
    if (touched[index] || option === undefined) return false;
    const m = matchOption(option, body[index]!, inactive);
    return m !== undefined && !(m.comment && !m.sep);
  };

  let noValuePresent = false;
  if (spec.state === 'present' && option !== undefined) {
    // 1. lines already holding one of the values are kept (rewritten in the wanted spacing)
    for (let i = 0; i < body.length; i++) {
      const m = matchOption(option, body[i]!, inactive);
      if (!m) continue;
      if (values.length > 0 && values.includes(m.value)) {
        if (!m.value && allowNoValue) {
          update(i, `${option}\n`);
          noValuePresent = true;
        } else update(i, assign(m.value));
        values.splice(values.indexOf(m.value), 1);
      } else if (values.length === 0 && allowNoValue) {
        update(i, `${option}\n`);
        noValuePresent = true;
        break;
      }
    }
    if (spec.exclusive && !allowNoValue) {
      // 2. other lines of the option take the remaining values; 3. the rest of them go
      for (let i = 0; i < body.length && values.length > 0; i++) {
        if (replaceable(i)) update(i, assign(values.shift()!));
      }
      for (let i = body.length - 1; i > 0; i--) {
        if (!replaceable(i)) continue;
        body.splice(i, 1);
        touched.splice(i, 1);
        changed = true;
        msg = 'option changed';
      }
    }
  }

  if (spec.state === 'present') {
    // 4. missing values go after the section's last line that is neither blank nor a comment
    for (let i = body.length; i > 0; i--) {
      if (blankOrComment(body[i - 1]!)) continue;
      if (option !== undefined && values.length > 0) {
        body.splice(i, 0, ...values.map(assign));
        msg = 'option added';
        changed = true;
      } else if (option !== undefined && allowNoValue && !noValuePresent) {
        body.splice(i, 0, `${option}\n`);
        msg = 'option added';
        changed = true;
      }
      break;
    }
  } else if (option !== undefined) {
    // absent: every active line of the option (exclusive), or those holding one of the values
    const kept = body.filter((line) => {
      const m = matchOption(option, line, false);
      return !m || (!spec.exclusive && !values.includes(m.value));
    });
    if ((spec.exclusive || values.length > 0) && kept.length !== body.length) {
      body = kept;
      changed = true;
      msg = 'option changed';
    }
  } else if (body.length > 0) {
    body = [];
    msg = 'section removed';
    changed = true;
  }

  const out = [...before, ...body, ...after].slice(1, -1);
  if (!within && spec.state === 'present') {
    out.push(`[${section}]\n`);
    msg = 'section and option added';
    // the new section gets the options section_has_values asks for (the task's own option takes its values)
    for (const c of sectionHas ?? []) {
      if (c.option !== option) {
        if (c.values.length > 0) out.push(...c.values.map((v) => `${c.option}${sep}${v}\n`));
        else if (allowNoValue) out.push(`${c.option}\n`);
      } else if (!spec.exclusive) {
        for (const v of c.values) if (!values.includes(v)) values.push(v);
      }
    }
    if (option !== undefined && values.length > 0) out.push(...values.map(assign));
    else if (option !== undefined && allowNoValue) out.push(`${option}\n`);
    else msg = 'only section added';
    changed = true;
  }
  return { content: out.join(''), changed, msg };
}
