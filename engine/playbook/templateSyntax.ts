// Parses the templates a task will render, at validate time, so a syntax error names its place in the
// playbook or the template file instead of failing on every host: `{{ … }}` in playbook strings is a
// Jinja expression (expressionStringProblem), a .hbs template file is Handlebars (an unclosed `{{#if}}`).
// Only parsing: which variables exist is known only at run time.
import Handlebars from 'handlebars';
import { type JinjaOptions, jinjaSyntaxProblem } from '../jinja/index.ts';
import { jinjaFilterHint } from '../template/jinjaHint.ts';
import { templateLineColumn, templateShapeProblem } from '../template/limits.ts';
import { isTemplated } from '../template/render.ts';

// As engine/template/render.ts: a whole string that is one variable reference is looked up, not parsed.
const BARE_REF = /^\{\{\s*([A-Za-z_][\w-]*(?:\.(?:[A-Za-z_][\w-]*|\d+))*)\s*\}\}$/;

/** A syntax error or a refused shape: the message and, when known, the 1-based line (and column) in the text. */
export interface TemplateSyntaxProblem {
  message: string;
  line?: number;
  column?: number;
}

/** The syntax error of a template file: Handlebars for .hbs, Jinja2 for any other (undefined when it parses). */
export function templateFileProblem(file: string, text: string, options: JinjaOptions | undefined): TemplateSyntaxProblem | undefined {
  if (file.endsWith('.hbs')) return handlebarsProblem(text);
  // Delimiters or whitespace options only known after templating: the run checks the file.
  if (options === undefined) return undefined;
  return jinjaSyntaxProblem(text, options);
}

/** The syntax error the Handlebars renderer would hit in `text`, or undefined (also for text with no template). */
export function handlebarsProblem(text: string): TemplateSyntaxProblem | undefined {
  if (!isTemplated(text) || BARE_REF.test(text)) return undefined;
  // The renderer's shape limits, before Handlebars parses: its parser is slow on deep nesting and overflows
  // the stack near a thousand levels, so a refused template must never reach it.
  const shape = templateShapeProblem(text);
  if (shape) return { message: shape.message, ...templateLineColumn(text, shape.offset) };
  try {
    Handlebars.parse(text);
    return undefined;
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const line = Number(/^(?:Parse|Lexical) error on line (\d+)/.exec(raw)?.[1] ?? (err as { lineNumber?: number }).lineNumber ?? NaN);
    // The parser's message is "Parse error on line N:\n<context>\n---^\nExpecting …": keep what was expected.
    const expecting = /\n(Expecting [^\n]*)$/.exec(raw)?.[1];
    const detail = expecting ? shortenExpecting(expecting) : raw.split('\n')[0]!;
    const hint = jinjaFilterHint(text);
    return { message: `template syntax error: ${detail}${hint}`, ...(Number.isFinite(line) ? { line } : {}) };
  }
}

/** Every string under `value` (a module's arguments, loop items) that holds a template, with its path. */
export function templatedStrings(value: unknown, path: Array<string | number> = []): Array<{ path: Array<string | number>; text: string }> {
  if (typeof value === 'string') return isTemplated(value) ? [{ path, text: value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => templatedStrings(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => templatedStrings(v, [...path, k]));
  return [];
}

// The parser's token names, in the words of the template text.
const TOKENS: Record<string, string> = {
  EOF: 'the end of the text',
  OPEN_ENDBLOCK: "'{{/…}}' closing the block",
  CLOSE: "'}}'",
  CLOSE_UNESCAPED: "'}}}'",
  ID: 'a name',
  INVALID: 'a character that cannot appear there',
  SEP: "'.' or '/'",
  NUMBER: 'a number',
  STRING: 'a string',
  CLOSE_BLOCK_PARAMS: "'|'",
  OPEN: "'{{'",
  OPEN_BLOCK: "'{{#'",
};

function shortenExpecting(expecting: string): string {
  const got = /got '([^']*)'$/.exec(expecting)?.[1] ?? '';
  const wanted = [...expecting.replace(/, got '[^']*'$/, '').matchAll(/'([A-Z_]+)'/g)]
    .map((m) => TOKENS[m[1]!])
    .filter((w): w is string => !!w);
  const gotWords = TOKENS[got] ?? `'${got}'`;
  return `found ${gotWords}${wanted.length ? ` where ${[...new Set(wanted)].slice(0, 3).join(' or ')} was expected` : ''}`;
}
