// Content that is JSON (format: json on copy/template): it must parse before anything is written, and a
// file holding the same JSON value is up to date whatever its whitespace or key order.

/** A JSON parse failure with the line and column it points at. */
export interface JsonProblem {
  line: number;
  column: number;
  message: string;
  /** The offending line of the text. */
  text: string;
}

/** Parses JSON text; returns the value, or where and why it is invalid. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problem: JsonProblem } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const pos = at ? Number(at[1]) : text.length;
    const before = text.slice(0, pos).split('\n');
    const line = before.length;
    const column = (before[before.length - 1] ?? '').length + 1;
    return {
      ok: false,
      problem: { line, column, message: message.replace(/\s*\(line \d+ column \d+\)$/, ''), text: text.split('\n')[line - 1] ?? '' },
    };
  }
}

/** Deep equality of JSON values: object key order is ignored, array order is not. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const ob = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(ob, k) && sameJson((a as Record<string, unknown>)[k], ob[k]));
  }
  return false;
}

/** The message for content that is not valid JSON; nothing is written. */
export function invalidJsonMessage(dest: string, p: JsonProblem): string {
  return `the content for ${dest} is not valid JSON (format: json), so nothing was written: ${p.message} at line ${p.line} column ${p.column}: ${p.text.trim()}`;
}
