// Rendering: `{{ … }}` in playbook strings is a Jinja expression (expressionString.ts); template files
// ending in .hbs render with Handlebars, strictly (a missing variable is an error that names it).
import Handlebars from 'handlebars';
import { FleetError } from '../errors.ts';
import type { SourceLocation, Vars } from '../types.ts';
import { installBuiltins, withRenderBudget } from './builtins.ts';
import { templateHelpers } from './helpers.ts';
import { jinjaFilterHint } from './jinjaHint.ts';
import { templateLineColumn, templateShapeProblem } from './limits.ts';
import { prepareTemplate } from './strict-ast.ts';
import { createLayeredScope, createScope, isScope, materialize } from './scope.ts';
import { isBlockedKey, toText } from '../expr/values.ts';
import { renderExpressionString } from './expressionString.ts';
import type { EvalContext } from '../expr/index.ts';
import { withLookups } from '../lookups/ambient.ts';

const hb = Handlebars.create();
for (const [name, fn] of Object.entries(templateHelpers)) hb.registerHelper(name, fn);
installBuiltins(hb);
const helperNames: ReadonlySet<string> = new Set(Object.keys(hb.helpers));

const compiled = new Map<string, HandlebarsTemplateDelegate>();
// Compiled templates are cached by source; a bound keeps a run over many distinct strings from growing memory.
const MAX_COMPILED = 4096;
const RUNTIME: Handlebars.RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
};

/** True when a string contains template syntax: `{{ }}`, or a Jinja statement or comment, as Ansible's templar checks. */
export function isTemplated(value: string): boolean {
  return value.includes('{{') || value.includes('{%') || value.includes('{#');
}

/**
 * Renders a playbook string (a task name, a path, a label) to text; `where` names it in errors. `context`
 * brings the lookup plugins of lookup() / query() (engine/lookups lookupContext).
 */
export function renderString(template: string, vars: Vars, where: SourceLocation, context?: EvalContext): string {
  if (!isTemplated(template)) return template;
  return withLookups(context, () => {
    const value = renderExpressionString(template, safeData(vars, where), where);
    return typeof value === 'string' ? value : value === undefined ? '' : toText(materialize(value, where));
  });
}

/**
 * Renders a `.hbs` template file's text with Handlebars (every other template src renders as Jinja2:
 * engine/jinja, chosen by moduleContext's renderFile in engine/executor/runTask.ts).
 */
export function renderTemplateFile(text: string, vars: Vars, where: SourceLocation): string {
  return renderHandlebars(text, vars, where);
}

/** Renders Handlebars text against vars (a .hbs template). `where` names the source for error messages. */
export function renderHandlebars(template: string, vars: Vars, where: SourceLocation): string {
  if (!isTemplated(template)) return template;
  let fn = compiled.get(template);
  try {
    if (!fn) {
      const shape = templateShapeProblem(template);
      if (shape) throw new FleetError('template', `${shape.message}${positionIn(template, shape.offset)}`, { location: where });
      fn = hb.compile(prepareTemplate(hb.parse(template), helperNames), { strict: true, noEscape: true, knownHelpersOnly: false });
      if (compiled.size >= MAX_COMPILED) compiled.clear();
      compiled.set(template, fn);
    }
    const render = fn;
    return withRenderBudget(() => render(safeData(vars, where), RUNTIME));
  } catch (err) {
    throw templateError(err, template, where);
  }
}

/**
 * Renders a value for a module argument. A string that is exactly one variable reference keeps the
 * variable's native type (list, number, mapping), as in Ansible; other strings render to text. `context`
 * brings the lookup plugins of lookup() / query() (engine/lookups lookupContext).
 */
export function renderValue(value: unknown, vars: Vars, where: SourceLocation, context?: EvalContext): unknown {
  // Lookups reach every string rendered here, and the lazy variables materializing the result renders.
  if (context) return withLookups(context, () => renderValue(value, vars, where));
  if (typeof value === 'string') {
    if (!isTemplated(value)) return value;
    return materialize(renderExpressionString(value, safeData(vars, where), where), where);
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, vars, where));
  if (value && typeof value === 'object') {
    const out: Vars = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderValue(v, vars, where);
    return out;
  }
  return value;
}

/** Renders the top-level keys of `args` to text (set_fact's names: `"{{ item.key }}": value`); values are left as they are. */
export function renderKeys(args: Vars, vars: Vars, where: SourceLocation, context?: EvalContext): Vars {
  const out: Vars = {};
  for (const [key, value] of Object.entries(args)) {
    const name = isTemplated(key) ? renderValue(key, vars, where, context) : key;
    const text = toText(name);
    if (isBlockedKey(text)) throw new FleetError('template', `'${text}' cannot be used as a name`, { location: where });
    Object.defineProperty(out, text, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The data a template sees: a scope view (lazy rendering, no prototype members). */
function safeData(vars: Vars, where: SourceLocation): Vars {
  return isScope(vars) ? vars : scopeOf(vars, where);
}

/** Wraps plain variables in a scope whose templated values render lazily with this renderer. */
export function scopeOf(vars: Vars, where: SourceLocation): Vars {
  // A lazy `{{ other }}` resolves to the other variable's own view, not a copy: shared values stay shared
  // (and cheap) until something outside the scope materializes them.
  return createScope(vars, where, (value, scope, at) => renderExpressionString(value, scope, at));
}

/** scopeOf over variable layers, lowest first (createLayeredScope). */
export function layeredScopeOf(layers: readonly Vars[], where: SourceLocation): Vars {
  return createLayeredScope(layers, where, (value, scope, at) => renderExpressionString(value, scope, at));
}

function templateError(err: unknown, template: string, where: SourceLocation): FleetError {
  if (err instanceof FleetError) return err.location ? err : new FleetError(err.kind, err.message, { location: where });
  const message = err instanceof Error ? err.message : String(err);
  // Handlebars prints the object it looked in ("not defined in <value>"): only the name is kept, never the value.
  const missing = /^"([^"]+)" not defined in [\s\S]*? - (\d+):(\d+)/.exec(message);
  if (missing) {
    const line = Number(missing[2]);
    const expr = template.split('\n')[line - 1] ?? '';
    const name = fullPathAt(expr, Number(missing[3])) ?? missing[1];
    const at = template.includes('\n') ? ` (template line ${line}, column ${Number(missing[3]) + 1})` : '';
    return new FleetError('template', `undefined variable '${name}'${at}`, { location: where });
  }
  // A strict lookup inside a string value (`{{#each names}}{{ nope }}{{/each}}`): V8's message quotes the string.
  const inString = /^Cannot use 'in' operator to search for '([^']*)' in /.exec(message);
  if (inString) return new FleetError('template', `undefined variable '${inString[1]}'`, { location: where });
  if (err instanceof RangeError) return new FleetError('template', `template is too deep or too large: ${message}`, { location: where });
  if (/Parse error/.test(message)) {
    const hint = jinjaFilterHint(template);
    const first = message.split('\n').slice(0, 3).join(' ');
    return new FleetError('template', `template syntax error: ${first}${hint}`, { location: where });
  }
  return new FleetError('template', `template error: ${message}`, { location: where });
}

// Where in a multi-line template a problem is, as the other template errors say it; nothing for one line.
function positionIn(template: string, offset: number): string {
  if (!template.includes('\n')) return '';
  const { line, column } = templateLineColumn(template, offset);
  return ` (template line ${line}, column ${column})`;
}

/** Handlebars reports only the missing segment; recover the dotted path that starts near the column. */
function fullPathAt(line: string, column: number): string | undefined {
  const m = /[A-Za-z_][\w.-]*/.exec(line.slice(Math.max(0, column)));
  return m?.[0];
}
