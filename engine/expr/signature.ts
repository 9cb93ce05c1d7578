// Parameter lists of filters and tests: checked against a call at parse time, bound to values at evaluation.

/** The parameters a filter or test takes after its input value. */
export interface Signature {
  /** Parameters that may be given by position or by name, in order. */
  params: readonly string[];
  /** How many of `params` must be given. */
  required: number;
  /** Extra positional arguments are collected in `rest` (regex_search's group references). */
  variadic?: boolean;
  /** Parameters that may only be given by name. */
  keywordOnly?: readonly string[];
}

/** Argument values matched to a signature. */
export interface BoundArgs {
  /** Value of each parameter that was given, by name. */
  values: ReadonlyMap<string, unknown>;
  /** Positional arguments beyond `params` (variadic signatures only). */
  rest: readonly unknown[];
}

/** Describes why a call does not fit its signature, or returns undefined when it does. */
export function callMismatch(signature: Signature, positional: number, named: readonly string[]): string | undefined {
  const { params, required } = signature;
  if (positional > params.length && !signature.variadic) {
    return `takes at most ${params.length} argument${params.length === 1 ? '' : 's'}, got ${positional}`;
  }
  const seen = new Set<string>();
  for (const name of named) {
    const index = params.indexOf(name);
    const known = index >= 0 || (signature.keywordOnly ?? []).includes(name);
    if (!known) return `has no parameter '${name}'`;
    if (seen.has(name) || (index >= 0 && index < positional)) return `got parameter '${name}' twice`;
    seen.add(name);
  }
  for (let i = positional; i < required; i++) {
    const name = params[i] ?? '';
    if (!seen.has(name)) return `is missing required argument '${name}'`;
  }
  return undefined;
}

/** Matches already-checked argument values to the signature's parameter names. */
export function bindArgs(signature: Signature, positional: readonly unknown[], named: ReadonlyMap<string, unknown>): BoundArgs {
  const values = new Map<string, unknown>(named);
  signature.params.forEach((name, i) => {
    if (i < positional.length) values.set(name, positional[i]);
  });
  return { values, rest: positional.slice(signature.params.length) };
}
