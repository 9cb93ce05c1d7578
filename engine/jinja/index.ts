// Public API of the Jinja2 template engine, used for every template src that is not a `.hbs` file, as
// Ansible's template module renders every src as Jinja2. Expressions are engine/expr's (the same filters
// and tests as `when`); statements, whitespace control and includes are this folder's.
import { FleetError } from '../errors.ts';
import type { EvalContext } from '../expr/index.ts';
import { isScope } from '../template/scope.ts';
import { scopeOf } from '../template/render.ts';
import type { Vars } from '../types.ts';
import { asTemplateError } from './errors.ts';
import { DEFAULT_DELIMITERS, type Delimiters, delimitersKey, delimitersOf } from './delimiters.ts';
import { withLineStatements } from './lineStatements.ts';
import { lex, type WhitespaceOptions } from './lexer.ts';
import { MAX_JINJA_CACHED } from './limits.ts';
import { readInclude, type IncludeSearch } from './loader.ts';
import { parseTemplate } from './parser.ts';
import { readOverrides, shiftedError, type TemplateOverrides } from './overrides.ts';
import { renderTemplate, type RenderState, type Template } from './render.ts';
import { Frame } from './scope.ts';
import { templateVars } from './templateVars.ts';

export type { IncludeSearch } from './loader.ts';

/** How a template renders; the defaults are those of Ansible's template module. */
export interface JinjaOptions {
  /** Drop the first newline after a block tag (default true, as Ansible's `trim_blocks`). */
  trimBlocks?: boolean;
  /** Strip blanks before a block tag alone on its line (default false, as Ansible's `lstrip_blocks`). */
  lstripBlocks?: boolean;
  /** Finds an included template that is not beside the including one (the role's, the playbook's templates/). */
  search?: IncludeSearch;
  /** What expressions may reach beyond the variables: the lookup plugins of lookup(), query() and q(). */
  context?: EvalContext;
  /** Jinja2's line_statement_prefix (from a `#jinja2:` override line). */
  lineStatementPrefix?: string;
  /** The template task's dest, given to the template as template_destpath. */
  destPath?: string;
  /** Other tag delimiters than `{{ }}`, `{% %}` and `{# #}` (the template task's variable_start_string, …). */
  delimiters?: Partial<Delimiters>;
}

// Parsed templates by options and text; only texts up to this size are kept.
const cache = new Map<string, Template['nodes']>();
const MAX_CACHED_TEXT = 1024 * 1024;

/**
 * Renders the template `text` read from `file` against `vars` (read only; templated values in them render
 * lazily). A missing variable, a syntax error or a refused limit is a FleetError located at the template's
 * file, line and column. As Ansible's template module, the result keeps the template's trailing newlines.
 */
export function renderJinja(raw: string, vars: Vars, file: string, options: JinjaOptions = {}): string {
  // A `#jinja2:` first line overrides the whitespace options and is not part of the output (overrides.ts).
  const header = readOverrides(raw, file);
  try {
    return renderBody(header.body, vars, file, { ...options, ...overriding(header, options) });
  } catch (err) {
    throw shiftedError(err, file, raw, header.lineShift);
  }
}

function renderBody(text: string, vars: Vars, file: string, options: JinjaOptions): string {
  const whitespace = whitespaceOf(options);
  const loaded = new Map<string, Template>();
  const template = compile(text, file, whitespace);
  const state: RenderState = {
    work: 0,
    produced: 0,
    depth: 0,
    topFile: file,
    ...(options.search ? { search: options.search } : {}),
    // Lists and mappings the template builds stay its own, so `{% set l = [] %}…{% set _ = l.append(x) %}` works.
    context: { ...options.context, keepOwned: true },
    // Each included file is read once per rendering, however many times a loop includes it.
    load: (included) => {
      let parsed = loaded.get(included);
      if (!parsed) loaded.set(included, (parsed = compile(readInclude(included), included, whitespace)));
      return parsed;
    },
  };
  const scope = isScope(vars) ? vars : scopeOf(vars, { file, line: 1, column: 1 });
  // Ansible's template variables (ansible_managed, template_path, …) over the task's, in a frame of their own.
  const frame = new Frame(undefined, scope).child();
  for (const [name, value] of Object.entries(templateVars(file, options.destPath))) frame.set(name, value);
  const rendered = renderTemplate(template, frame.child(), state);
  // Jinja2 drops the template's last newline; Ansible adds back as many as the template ended with.
  const missing = trailingNewlines(text.replace(/\r\n?/g, '\n')) - trailingNewlines(rendered);
  return missing > 0 ? rendered + '\n'.repeat(missing) : rendered;
}

/** The syntax error `renderJinja` would meet in `text`, with its 1-based line and column, or undefined. */
export function jinjaSyntaxProblem(raw: string, options: JinjaOptions = {}): { message: string; line: number; column: number } | undefined {
  let header: TemplateOverrides | undefined;
  try {
    header = readOverrides(raw, '<template>');
    compile(header.body, '<template>', whitespaceOf({ ...options, ...overriding(header, options) }));
    return undefined;
  } catch (err) {
    // An error in the body is one line further down the file when its override line was removed.
    const shift = header?.lineShift ?? 0;
    if (err instanceof FleetError && err.location)
      return { message: err.message, line: err.location.line + shift, column: err.location.column };
    throw err;
  }
}

/** The whitespace options and delimiters an override line sets (its delimiters over the task's). */
function overriding(header: TemplateOverrides, options: JinjaOptions): JinjaOptions {
  return {
    ...(header.trimBlocks !== undefined ? { trimBlocks: header.trimBlocks } : {}),
    ...(header.lstripBlocks !== undefined ? { lstripBlocks: header.lstripBlocks } : {}),
    ...(header.delimiters ? { delimiters: { ...options.delimiters, ...header.delimiters } } : {}),
    ...(header.lineStatementPrefix !== undefined ? { lineStatementPrefix: header.lineStatementPrefix } : {}),
  };
}

function whitespaceOf(options: JinjaOptions): WhitespaceOptions {
  return {
    trimBlocks: options.trimBlocks ?? true,
    lstripBlocks: options.lstripBlocks ?? false,
    ...(options.delimiters ? { delimiters: delimitersOf(options.delimiters) } : {}),
    ...(options.lineStatementPrefix ? { lineStatementPrefix: options.lineStatementPrefix } : {}),
  };
}

// Parses a template as Jinja2 reads it: newlines normalized to \n, one trailing newline dropped
// (keep_trailing_newline off, as in Ansible, also for included templates).
function compile(raw: string, file: string, whitespace: WhitespaceOptions): Template {
  const normalized = raw.replace(/\r\n?/g, '\n');
  const body = normalized.endsWith('\n') ? normalized.slice(0, -1) : normalized;
  const prefix = whitespace.lineStatementPrefix;
  const text = prefix ? withLineStatements(body, prefix, whitespace.delimiters ?? DEFAULT_DELIMITERS) : body;
  const delimiters = whitespace.delimiters ? delimitersKey(whitespace.delimiters) : '';
  const key = `${whitespace.trimBlocks ? 'T' : 't'}${whitespace.lstripBlocks ? 'L' : 'l'}${delimiters.length}:${delimiters}${prefix ? `${prefix.length}:${prefix}` : '-'}${text}`;
  const cached = cache.get(key);
  if (cached) return { nodes: cached, text, file };
  let nodes: Template['nodes'];
  try {
    nodes = parseTemplate(text, lex(text, whitespace));
  } catch (err) {
    throw asTemplateError(err, text, file, 0);
  }
  if (text.length <= MAX_CACHED_TEXT) {
    if (cache.size >= MAX_JINJA_CACHED) cache.clear();
    cache.set(key, nodes);
  }
  return { nodes, text, file };
}

function trailingNewlines(text: string): number {
  let count = 0;
  while (count < text.length && text[text.length - 1 - count] === '\n') count++;
  return count;
}
