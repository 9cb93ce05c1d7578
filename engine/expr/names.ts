// Which variables an expression reads, for dependency tracking.
import { childrenOf, type Expr } from './ast.ts';

/** The distinct top-level variable names used anywhere in `expr`, in order of first appearance. */
export function referencedNames(expr: Expr): string[] {
  const names = new Set<string>();
  // An explicit stack keeps this safe for trees built by hand, however deep.
  const stack: Expr[] = [expr];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.kind === 'name') names.add(node.name);
    stack.push(...childrenOf(node).reverse());
  }
  return [...names];
}
