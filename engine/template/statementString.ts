// Jinja statements and comments ({% if %}, {% for %}, {% set %}, {# … #}) in playbook strings, as Ansible
// renders them: the whole string is one Jinja2 template (trim_blocks on, as Ansible's templar), its
// expressions evaluated by engine/expr like every `{{ }}`, and its trailing newlines kept. The result is text.
// (Ansible without jinja2_native also turns a result that looks like a list, a mapping or True/False back
// into that value; fleetplay keeps it text, as it does for any string made of several parts.)
// `{% include %}` and `{% import %}` read template files: a playbook string has none to read beside it.
import { FleetError } from '../errors.ts';
import type { EvalContext } from '../expr/index.ts';
import { JinjaError, lineColumn } from '../jinja/errors.ts';
import { lex } from '../jinja/lexer.ts';
import { parseTemplate } from '../jinja/parser.ts';
import { type RenderState, renderTemplate, type Template } from '../jinja/render.ts';
import { Frame } from '../jinja/scope.ts';
import type { SourceLocation, Vars } from '../types.ts';

// The name the engine's errors give the string; they are reported again at the string's own place.
const STRING = '<playbook string>';
const WHITESPACE = { trimBlocks: true, lstripBlocks: false };

// Parsed strings by text: the same task argument renders once per host.
const cache = new Map<string, Template['nodes']>();
const MAX_CACHED = 2048;

/** The template of `text` (newlines normalized, one trailing newline dropped as Jinja2 does). Throws JinjaError. */
function compile(raw: string): Template {
  const normalized = raw.replace(/\r\n?/g, '\n');
  const text = normalized.endsWith('\n') ? normalized.slice(0, -1) : normalized;
  let nodes = cache.get(text);
  if (!nodes) {
    nodes = parseTemplate(text, lex(text, WHITESPACE));
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(text, nodes);
  }
  return { nodes, text, file: STRING };
}

/** The syntax problem of a string with statements (its offset in the string), or undefined when it parses. */
export function statementStringProblem(text: string): { message: string; offset: number } | undefined {
  try {
    compile(text);
    return undefined;
  } catch (err) {
    if (err instanceof JinjaError) return { message: err.message, offset: err.offset };
    throw err;
  }
}

/**
 * Renders a playbook string holding Jinja statements against `vars` (a scope: lazy, prototype-free).
 * Errors are FleetErrors at `where`, naming the line and column in a multi-line string.
 */
export function renderStatementString(text: string, vars: Vars, where: SourceLocation, context: EvalContext): string {
  let template: Template;
  try {
    template = compile(text);
  } catch (err) {
    if (err instanceof JinjaError) throw stringError(err.message, text, lineColumn(text, err.offset), where);
    throw err;
  }
  const state: RenderState = {
    work: 0,
    produced: 0,
    depth: 0,
    topFile: STRING,
    // Lists and mappings the string builds stay its own, so `{% set l = [] %}…{% set _ = l.append(x) %}` works.
    context: { ...context, keepOwned: true },
    load: () => {
      throw new JinjaError('{% include %} and {% import %} are not available in playbook strings (use a template file)', 0);
    },
  };
  let rendered: string;
  try {
    rendered = renderTemplate(template, new Frame(undefined, vars).child(), state);
  } catch (err) {
    if (err instanceof FleetError && err.location?.file === STRING) throw stringError(err.message, text, err.location, where);
    throw err;
  }
  // Ansible's templar keeps the string's trailing newlines (Jinja2 drops the last one).
  const missing = trailingNewlines(text.replace(/\r\n?/g, '\n')) - trailingNewlines(rendered);
  return missing > 0 ? rendered + '\n'.repeat(missing) : rendered;
}

function stringError(message: string, text: string, at: { line: number; column: number }, where: SourceLocation): FleetError {
  const one = text.replace(/\s+/g, ' ').trim();
  const shown = one.length > 120 ? `${one.slice(0, 117)}…` : one;
  const position = text.includes('\n') ? ` (template line ${at.line}, column ${at.column})` : '';
  return new FleetError('template', `${message} in '${shown}'${position}`, { location: where });
}

function trailingNewlines(text: string): number {
  let count = 0;
  for (let i = text.length - 1; i >= 0 && text[i] === '\n'; i--) count++;
  return count;
}
