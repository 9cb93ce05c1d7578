// The syntax tree of a Jinja2 template: a list of nodes, each statement holding its compiled expressions.
import type { CompiledExpression } from './expression.ts';

/** One statement or piece of text. `at` is the offset of the tag that makes the node (for error messages). */
export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'output'; value: CompiledExpression; at: number }
  | { kind: 'if'; branches: Array<{ test: CompiledExpression; body: Node[] }>; otherwise?: Node[]; at: number }
  | {
      kind: 'for';
      targets: string[];
      iterable: CompiledExpression;
      filter?: CompiledExpression;
      body: Node[];
      otherwise?: Node[];
      at: number;
    }
  | { kind: 'set'; targets: string[]; attribute?: string; value: CompiledExpression; at: number }
  | { kind: 'setBlock'; target: string; filter?: CompiledExpression; body: Node[]; at: number }
  | { kind: 'include'; name: CompiledExpression; ignoreMissing: boolean; withContext: boolean; at: number }
  | { kind: 'macro'; name: string; params: MacroParam[]; body: Node[]; at: number }
  | { kind: 'with'; bindings: Array<{ name: string; value: CompiledExpression }>; body: Node[]; at: number }
  | { kind: 'filterBlock'; filter: CompiledExpression; body: Node[]; at: number }
  | { kind: 'import'; source: CompiledExpression; alias: string; withContext: boolean; at: number }
  | { kind: 'fromImport'; source: CompiledExpression; names: Array<{ name: string; alias: string }>; withContext: boolean; at: number };

/** A macro parameter and its default, evaluated at each call that omits it. */
export interface MacroParam {
  name: string;
  fallback?: CompiledExpression;
}

/** The variable that holds a filter block's or a filtered `set` block's text while its filters run. */
export const BLOCK_VALUE = '_fp_block_value';
