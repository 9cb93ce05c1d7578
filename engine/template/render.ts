// Renders Handlebars templates strictly: a missing variable is an error that names it.
import Handlebars from 'handlebars';
import { FleetError } from '../errors.ts';
import type { SourceLocation, Vars } from '../types.ts';
import { templateHelpers } from './helpers.ts';
import { createScope, isScope, materialize } from './scope.ts';

const hb = Handlebars.create();
for (const [name, fn] of Object.entries(templateHelpers)) hb.registerHelper(name, fn);

const compiled = new Map<string, HandlebarsTemplateDelegate>();
const RUNTIME: Handlebars.RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
};
/** A whole string that is one plain variable reference, e.g. "{{ packages }}": renders to the native value. */
const BARE_REF = /^\{\{\s*([A-Za-z_][\w-]*(?:\.(?:[A-Za-z_][\w-]*|\d+))*)\s*\}\}$/;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype', '__defineGetter__', '__lookupGetter__']);

/** True when a string contains template syntax. */
export function isTemplated(value: string): boolean {
  return value.includes('{{');
}

/**
 * In Handlebars a helper shadows a variable of the same name, so `{{ version }}` would call the
 * `version` helper. A mustache without arguments is always a variable in fleetplay: rewrite it to a
 * scoped lookup (`this.version`), which Handlebars never treats as a helper call.
 */
function preferVariables(ast: hbs.AST.Program): hbs.AST.Program {
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; path?: hbs.AST.PathExpression; params?: unknown[]; hash?: unknown };
    if (n.type === 'MustacheStatement' && n.path?.type === 'PathExpression' && !n.params?.length && !n.hash) {
      const p = n.path;
      if (p.depth === 0 && !p.data && p.parts.length > 0 && p.parts[0]! in templateHelpers && !/^(this\b|\.)/.test(p.original)) {
        n.path = { ...p, original: `this.${p.original}` };
      }
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object' && 'type' in value) visit(value);
    }
  };
  visit(ast);
  return ast;
}

/** Renders one template string against vars. `where` names the source for error messages. */
export function renderString(template: string, vars: Vars, where: SourceLocation): string {
  if (!isTemplated(template)) return template;
  let fn = compiled.get(template);
  try {
    if (!fn) {
      fn = hb.compile(preferVariables(hb.parse(template)), { strict: true, noEscape: true, knownHelpersOnly: false });
      compiled.set(template, fn);
    }
    return fn(safeData(vars, where), RUNTIME);
  } catch (err) {
    throw templateError(err, template, where);
  }
}

/**
 * Renders a value for a module argument. A string that is exactly one variable reference keeps the
 * variable's native type (list, number, mapping), as in Ansible; other strings render to text.
 */
export function renderValue(value: unknown, vars: Vars, where: SourceLocation): unknown {
  if (typeof value === 'string') {
    const bare = BARE_REF.exec(value);
    if (bare?.[1]) return materialize(lookupPath(safeData(vars, where), bare[1], where));
    return renderString(value, vars, where);
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, vars, where));
  if (value && typeof value === 'object') {
    const out: Vars = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderValue(v, vars, where);
    return out;
  }
  return value;
}

function lookupPath(vars: Vars, dotted: string, where: SourceLocation): unknown {
  let cur: unknown = vars;
  const seen: string[] = [];
  for (const part of dotted.split('.')) {
    seen.push(part);
    const own =
      !FORBIDDEN.has(part) && cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, part);
    if (!own) throw new FleetError('template', `undefined variable '${seen.join('.')}'`, { location: where });
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The data a template sees: a scope view (lazy rendering, no prototype members). */
function safeData(vars: Vars, where: SourceLocation): Vars {
  return isScope(vars) ? vars : scopeOf(vars, where);
}

/** Wraps plain variables in a scope whose templated values render lazily with this renderer. */
export function scopeOf(vars: Vars, where: SourceLocation): Vars {
  return createScope(vars, where, (value, scope, at) => renderValue(value, scope, at));
}

function templateError(err: unknown, template: string, where: SourceLocation): FleetError {
  if (err instanceof FleetError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const missing = /^"([^"]+)" not defined in .*? - (\d+):(\d+)/.exec(message);
  if (missing) {
    const expr = template.split('\n')[Number(missing[2]) - 1] ?? '';
    const name = fullPathAt(expr, Number(missing[3])) ?? missing[1];
    return new FleetError('template', `undefined variable '${name}'`, { location: where });
  }
  if (/Parse error/.test(message)) {
    const hint = /\{\{[^}]*\|/.test(template)
      ? " (Jinja filters like '{{ x | default(\"y\") }}' are written as Handlebars helpers: '{{default x \"y\"}}')"
      : '';
    const first = message.split('\n').slice(0, 3).join(' ');
    return new FleetError('template', `template syntax error: ${first}${hint}`, { location: where });
  }
  return new FleetError('template', `template error: ${message}`, { location: where });
}

/** Handlebars reports only the missing segment; recover the dotted path that starts near the column. */
function fullPathAt(line: string, column: number): string | undefined {
  const m = /[A-Za-z_][\w.-]*/.exec(line.slice(Math.max(0, column)));
  return m?.[0];
}
