// The lookup context of the rendering under way. Rendering is synchronous, so a value set for the length
// of one call reaches every lazy variable that call renders (`x: "{{ lookup('env', 'HOME') }}"` read by a
// task) without threading the context through every scope.
import type { EvalContext } from '../expr/index.ts';

let current: EvalContext | undefined;

/** Runs `fn` (synchronous) with `context` as the lookup context of the renderings it starts. */
export function withLookups<T>(context: EvalContext | undefined, fn: () => T): T {
  if (!context || context === current) return fn();
  const saved = current;
  current = context;
  try {
    return fn();
  } finally {
    current = saved;
  }
}

/** The lookup context of the rendering under way, if any. */
export function currentLookups(): EvalContext | undefined {
  return current;
}
