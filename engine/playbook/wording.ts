// Words for validation messages: what a value is, and which part of a play or task a path names.
// Messages speak of "item 2 of keyword 'tags'", never of JSON pointers such as '/tags/1'.

/** Describes a value the way a message quotes it: `null`, `the number 42`, `the string "echo hi"`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(shorten(value))}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value instanceof Date) return 'a date';
  return 'a mapping';
}

/** The JSON-schema type of a value, as ajv's `type` keyword sees it. */
export function jsonType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Words for a JSON-schema type name: `array` → `a list`. */
export function typeWords(type: string): string {
  const words: Record<string, string> = {
    string: 'a string',
    boolean: 'true or false',
    integer: 'a whole number',
    number: 'a number',
    array: 'a list',
    object: 'a mapping',
    null: 'null',
  };
  return words[type] ?? type;
}

/** Joins alternatives: `a, b or c`. */
export function orList(words: string[]): string {
  const unique = [...new Set(words)];
  return unique.length <= 1 ? (unique[0] ?? '') : `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

/**
 * Names the part of a play, task or module call at `path`: `keyword 'tags'`, `item 2 of keyword 'tags'`,
 * `keyword 'loop_control.label'`; the empty path is `what` itself.
 */
export function subjectOf(path: ReadonlyArray<string | number>, argWord: string, what: string): string {
  if (path.length === 0) return what;
  const last = path[path.length - 1];
  if (typeof last === 'number') return `item ${last + 1} of ${subjectOf(path.slice(0, -1), argWord, what)}`;
  const name = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  return `${argWord} '${name}'`;
}

/** The value at `path` inside `root`, or undefined. */
export function valueAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let cur = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function shorten(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
