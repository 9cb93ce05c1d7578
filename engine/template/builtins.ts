// Handlebars' built-in helpers, made safe for fleetplay: no console side channel, strict `lookup`, bounded loops.
import { FleetError } from '../errors.ts';
import { ATTRIBUTE_HELPER, TEXT_HELPER } from './strict-ast.ts';
import { templateText } from './text.ts';
import { BLOCKED_KEYS } from '../blockedKeys.ts';

/**
 * Most work one rendering may do, nested loops and lazily rendered variables included: one unit per
 * `{{#each}}` iteration and per printed value, plus one per 8 characters printed. About a second at most.
 */
export const MAX_RENDER_WORK = 500_000;
/** Longest text one rendering may produce (characters). */
export const MAX_RENDERED_LENGTH = 64 * 1024 * 1024;

// One budget for the outermost rendering; renderings it triggers (lazy variables) draw from the same one.
let budget: { work: number } | undefined;

/** Runs one rendering under the iteration budget and checks the length of what it produced. */
export function withRenderBudget(render: () => string): string {
  const outermost = budget === undefined;
  if (outermost) budget = { work: 0 };
  try {
    const text = render();
    if (text.length > MAX_RENDERED_LENGTH) {
      throw new FleetError('template', `template output is over ${MAX_RENDERED_LENGTH} characters`);
    }
    return text;
  } finally {
    if (outermost) budget = undefined;
  }
}

type Env = typeof import('handlebars');

/** Replaces or removes the built-ins of a private Handlebars instance (see each helper for why). */
export function installBuiltins(hb: Env): void {
  // `log` writes its arguments straight to the console, bypassing redaction: `{{log db_password}}` in a
  // no_log task would print the secret. It is replaced, not removed: the compiler calls it as a known helper.
  hb.registerHelper('log', () => {
    throw new FleetError('template', 'the log helper is not available: it would print to the console, past redaction');
  });
  // Handlebars also logs denied prototype accesses through this same console logger; keep it silent.
  hb.logger.level = 'silent' as unknown as number;
  hb.registerHelper(TEXT_HELPER, (value: unknown, options: Handlebars.HelperOptions) => {
    const text = templateText(value);
    spend(1 + (text.length >> 3), options);
    return text;
  });
  hb.registerHelper('lookup', strictLookup);
  hb.registerHelper(ATTRIBUTE_HELPER, optionalAttribute);
  const each = hb.helpers.each as (context: unknown, options: Handlebars.HelperOptions) => unknown;
  hb.registerHelper('each', function (this: unknown, context: unknown, options: Handlebars.HelperOptions) {
    if (context !== null && typeof context === 'object')
      spend(Array.isArray(context) ? context.length : Object.keys(context).length, options);
    return each.call(this, context, options);
  });
}

// `{{lookup map key}}` with a missing key would print nothing; like a missing `{{ map.key }}` it is an error.
function strictLookup(container: unknown, key: unknown): unknown {
  const name = typeof key === 'number' ? String(key) : typeof key === 'string' ? key : undefined;
  if (
    container === null ||
    typeof container !== 'object' ||
    name === undefined ||
    BLOCKED_KEYS.has(name) ||
    !Object.hasOwn(container, name)
  ) {
    throw new FleetError('template', `undefined variable '${name ?? String(key)}' (in lookup)`);
  }
  return (container as Record<string, unknown>)[name];
}

// `{{#if item.server}}`: an own key of an existing object, or undefined when the object lacks it.
function optionalAttribute(container: unknown, key: unknown): unknown {
  if (typeof container === 'string' && key === 'length') return container.length;
  if (container === null || typeof container !== 'object' || typeof key !== 'string' || BLOCKED_KEYS.has(key)) return undefined;
  return Object.hasOwn(container, key) ? (container as Record<string, unknown>)[key] : undefined;
}

function spend(units: number, options: Handlebars.HelperOptions): void {
  if (budget === undefined) return;
  budget.work += units;
  if (budget.work > MAX_RENDER_WORK) {
    const loc = (options as { loc?: { start?: { line?: number; column?: number } } }).loc?.start;
    const at = loc ? ` (template line ${loc.line ?? '?'}, column ${(loc.column ?? 0) + 1})` : '';
    throw new FleetError('template', `template does too much work: loops and printed values over ${MAX_RENDER_WORK} units${at}`);
  }
}
