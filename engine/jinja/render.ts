// Renders a parsed template: runs its statements in frames over the caller's variables, under one budget
// of work and output shared with its includes and macro calls. Errors are located in the template (and
// file) where they happen.
import { FleetError } from '../errors.ts';
import type { EvalContext } from '../expr/index.ts';
import type { Vars } from '../types.ts';
import { BLOCK_VALUE, type Node } from './ast.ts';
import { JinjaError, asTemplateError } from './errors.ts';
import { Macro, evalDefined, evalValue, isNamespace, registerLoop, setAttribute, type Evaluator, type LoopState } from './evaluate.ts';
import type { CompiledExpression } from './expression.ts';
import { findInclude, type IncludeSearch } from './loader.ts';
import { MAX_JINJA_CALL_DEPTH, MAX_JINJA_OUTPUT, MAX_JINJA_WORK } from './limits.ts';
import { Frame } from './scope.ts';
import { ValueError, iterationItems, pyText, truthy } from './values.ts';

/** A parsed template and the file it came from. */
export interface Template {
  nodes: readonly Node[];
  /** Its source as parsed (newlines normalized), for locating errors. */
  text: string;
  file: string;
}

/** What one rendering shares with its includes and macro calls. */
export interface RenderState {
  work: number;
  produced: number;
  depth: number;
  /** The template the task renders (includes are also looked up beside it). */
  topFile: string;
  search?: IncludeSearch;
  /** What expressions may reach beyond the variables (the lookup plugins). */
  context: EvalContext;
  /** Reads and parses an included file. */
  load(file: string): Template;
}

/** Renders `template` in `frame`; any error becomes a FleetError located in this template or a deeper one. */
export function renderTemplate(template: Template, frame: Frame, state: RenderState): string {
  const out: string[] = [];
  try {
    new Renderer(template, state).run(template.nodes, frame, out);
  } catch (err) {
    throw asTemplateError(err, template.text, template.file, 0);
  }
  return out.join('');
}

class Renderer implements Evaluator {
  readonly context: EvalContext;

  constructor(
    private readonly template: Template,
    private readonly state: RenderState,
  ) {
    this.context = state.context;
  }

  run(nodes: readonly Node[], frame: Frame, out: string[]): void {
    for (const node of nodes) {
      if (node.kind === 'text') {
        // Text costs no work (the loops around it do), only room in the output.
        this.emit(out, node.text, 0, false);
        continue;
      }
      this.spend(1, node.at);
      this.statement(node, frame, out);
    }
  }

  /** Runs a macro's body in its frame of arguments; its output is the call's value. */
  callMacro(macro: Macro, frame: Frame, at: number): string {
    return this.deeper(at, () => {
      if (macro.home === this.template) return this.capture(macro.body, frame);
      // A macro of an imported template: its errors are located in that template.
      try {
        return new Renderer(macro.home, this.state).capture(macro.body, frame);
      } catch (err) {
        throw asTemplateError(err, macro.home.text, macro.home.file, 0);
      }
    });
  }

  private statement(node: Exclude<Node, { kind: 'text' }>, frame: Frame, out: string[]): void {
    switch (node.kind) {
      case 'output': {
        // `{{ x if c }}` with c false prints nothing (Jinja2's inline if without else gives a plain Undefined).
        const { expr } = node.value;
        const bareIf = expr.kind === 'conditional' && expr.otherwise === null;
        const value = bareIf ? evalValue(node.value, frame, this) : this.defined(node.value, frame);
        if (value !== undefined) this.emit(out, this.text(value, node.at), node.at);
        break;
      }
      case 'if': {
        const branch = node.branches.find((b) => truthy(this.defined(b.test, frame)));
        const body = branch ? branch.body : node.otherwise;
        if (body) this.run(body, frame, out);
        break;
      }
      case 'for':
        this.forLoop(node, frame, out);
        break;
      case 'set':
        this.set(node, frame);
        break;
      case 'setBlock': {
        const text = this.capture(node.body, frame.child());
        frame.set(node.target, node.filter ? this.filtered(node.filter, text, frame) : text);
        break;
      }
      case 'filterBlock': {
        const text = this.capture(node.body, frame.child());
        this.emit(out, this.text(this.filtered(node.filter, text, frame), node.at), node.at);
        break;
      }
      case 'with': {
        const inner = frame.child();
        const values = node.bindings.map((b) => [b.name, evalValue(b.value, frame, this)] as const);
        for (const [name, value] of values) inner.set(name, value);
        this.run(node.body, inner, out);
        break;
      }
      case 'macro':
        frame.set(node.name, new Macro(node.name, node.params, node.body, frame, this.template));
        break;
      case 'import':
        frame.set(node.alias, this.importTemplate(node.source, node.withContext, frame, node.at));
        break;
      case 'fromImport': {
        const exported = this.importTemplate(node.source, node.withContext, frame, node.at);
        for (const { name, alias } of node.names) {
          if (!Object.hasOwn(exported, name)) throw new JinjaError(`the imported template has no macro or variable '${name}'`, node.at);
          frame.set(alias, exported[name]);
        }
        break;
      }
      case 'include':
        this.include(node, frame, out);
        break;
    }
  }

  private forLoop(node: Extract<Node, { kind: 'for' }>, frame: Frame, out: string[]): void {
    let items = this.valueStep(node.iterable.at, () => iterationItems(this.defined(node.iterable, frame)));
    const filter = node.filter;
    if (filter) {
      items = items.filter((item) => {
        this.spend(1, filter.at);
        const scope = frame.child();
        this.bind(scope, node.targets, item, node.at);
        return truthy(this.defined(filter, scope));
      });
    }
    if (items.length === 0) {
      if (node.otherwise) this.run(node.otherwise, frame, out);
      return;
    }
    const length = items.length;
    const state: LoopState = {};
    items.forEach((item, i) => {
      this.spend(1, node.at);
      const scope = frame.child();
      this.bind(scope, node.targets, item, node.at);
      const loop: Vars = {
        index: i + 1,
        index0: i,
        revindex: length - i,
        revindex0: length - i - 1,
        first: i === 0,
        last: i === length - 1,
      };
      Object.assign(
        loop,
        { length, depth: 1, depth0: 0 },
        i > 0 ? { previtem: items[i - 1] } : {},
        i < length - 1 ? { nextitem: items[i + 1] } : {},
      );
      registerLoop(loop, state);
      scope.set('loop', loop);
      this.run(node.body, scope, out);
    });
  }

  private set(node: Extract<Node, { kind: 'set' }>, frame: Frame): void {
    const value = evalValue(node.value, frame, this);
    const [target] = node.targets;
    if (node.attribute === undefined) {
      this.bind(frame, node.targets, value, node.value.at);
      return;
    }
    const ns = frame.get(target ?? '');
    if (!isNamespace(ns)) throw new JinjaError(`cannot set '${target}.${node.attribute}': '${target}' is not a namespace()`, node.at);
    setAttribute(ns, node.attribute, value);
  }

  private include(node: Extract<Node, { kind: 'include' }>, frame: Frame, out: string[]): void {
    const value = this.defined(node.name, frame);
    const names = typeof value === 'string' ? [value] : Array.isArray(value) ? [...value] : [];
    if (names.length === 0 || !names.every((n): n is string => typeof n === 'string')) {
      throw new JinjaError('include takes a template name (a string) or a list of names', node.name.at);
    }
    let missing = '';
    for (const name of names) {
      const lookup = findInclude(name, this.template.file, this.state.topFile, this.state.search);
      if ('missing' in lookup) {
        missing ||= lookup.missing;
        continue;
      }
      const included = this.load(lookup.found, node.at);
      const scope = node.withContext ? frame.child() : new Frame(undefined, {});
      out.push(this.deeper(node.at, () => renderTemplate(included, scope, this.state)));
      return;
    }
    if (!node.ignoreMissing) throw new JinjaError(missing, node.at);
  }

  // Runs an imported template for its top-level macros and variables (names starting with _ stay private).
  private importTemplate(source: CompiledExpression, withContext: boolean, frame: Frame, at: number): Record<string, unknown> {
    const name = this.defined(source, frame);
    if (typeof name !== 'string') throw new JinjaError('import takes a template name (a string)', source.at);
    const lookup = findInclude(name, this.template.file, this.state.topFile, this.state.search);
    if ('missing' in lookup) throw new JinjaError(lookup.missing, at);
    const imported = this.load(lookup.found, at);
    const scope = withContext ? frame.child() : new Frame(undefined, {});
    this.deeper(at, () => renderTemplate(imported, scope, this.state));
    const exported: Record<string, unknown> = {};
    for (const [key, value] of scope.ownBindings()) if (!key.startsWith('_')) setAttribute(exported, key, value);
    return exported;
  }

  // ------------------------------------------------------------ helpers

  // An included file, parsed; a problem reading it (not a regular file, too large) is located at the include.
  private load(file: string, at: number): Template {
    try {
      return this.state.load(file);
    } catch (err) {
      if (err instanceof FleetError && !err.location) throw new JinjaError(err.message, at);
      throw err;
    }
  }

  /** Binds loop or set targets: one name takes the value, several unpack a list of as many items. */
  private bind(frame: Frame, targets: readonly string[], value: unknown, at: number): void {
    const [only] = targets;
    if (targets.length === 1 && only !== undefined) {
      frame.set(only, value);
      return;
    }
    if (value === undefined) throw new JinjaError('cannot unpack an undefined value', at);
    const items = this.valueStep(at, () => iterationItems(value));
    if (items.length !== targets.length) throw new JinjaError(`expected ${targets.length} values to unpack, got ${items.length}`, at);
    targets.forEach((name, i) => {
      frame.set(name, items[i]);
    });
  }

  private defined(compiled: CompiledExpression, frame: Frame): unknown {
    return evalDefined(compiled, frame, this);
  }

  private filtered(filter: CompiledExpression, text: string, frame: Frame): unknown {
    const scope = frame.child();
    scope.set(BLOCK_VALUE, text);
    return this.defined(filter, scope);
  }

  capture(nodes: readonly Node[], frame: Frame): string {
    const out: string[] = [];
    this.run(nodes, frame, out);
    return out.join('');
  }

  private text(value: unknown, at: number): string {
    return this.valueStep(at, () => pyText(value));
  }

  private valueStep<T>(at: number, step: () => T): T {
    try {
      return step();
    } catch (err) {
      if (err instanceof ValueError) throw new JinjaError(err.message, at);
      throw err;
    }
  }

  private deeper<T>(at: number, step: () => T): T {
    if (this.state.depth >= MAX_JINJA_CALL_DEPTH) {
      throw new JinjaError(`includes and macro calls nest more than ${MAX_JINJA_CALL_DEPTH} deep (does a template include itself?)`, at);
    }
    this.state.depth++;
    try {
      return step();
    } finally {
      this.state.depth--;
    }
  }

  private emit(out: string[], text: string, at: number, printed = true): void {
    this.state.produced += text.length;
    if (this.state.produced > MAX_JINJA_OUTPUT) throw new JinjaError(`template output is over ${MAX_JINJA_OUTPUT} characters`, at);
    if (printed) this.spend(text.length >> 3, at);
    out.push(text);
  }

  private spend(units: number, at: number): void {
    this.state.work += units;
    if (this.state.work > MAX_JINJA_WORK) {
      throw new JinjaError(`template does too much work: statements, loop iterations and printed values over ${MAX_JINJA_WORK} units`, at);
    }
  }
}
