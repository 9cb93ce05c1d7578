// Variable scopes of a rendering: frames of loop, set and macro variables layered over the caller's
// variables, which are only read. A frame's view is what engine/expr's evaluate() reads: a read-only
// object whose own properties are the visible names, with nothing reachable on any prototype.
import type { Vars } from '../types.ts';
import { isBlockedName } from './values.ts';

const NOT_FOUND: unique symbol = Symbol('not found');

/** One scope: its own bindings, then its parent's, then the template's variables. */
export class Frame {
  private readonly locals = new Map<string, unknown>();
  private cachedView: Vars | undefined;

  constructor(
    private readonly parent: Frame | undefined,
    private readonly base: Vars,
  ) {}

  /** A new scope inside this one (a loop iteration, a block, an included template). */
  child(): Frame {
    return new Frame(this, this.base);
  }

  /** Binds `name` in this scope only; the caller's variables and outer scopes are never changed. */
  set(name: string, value: unknown): void {
    this.locals.set(name, value);
  }

  /** Whether `name` is visible here. */
  has(name: string): boolean {
    return this.resolve(name) !== NOT_FOUND;
  }

  /** The value of a visible name, or undefined. */
  get(name: string): unknown {
    const value = this.resolve(name);
    return value === NOT_FOUND ? undefined : value;
  }

  /** The names bound in this scope itself (what an imported template exports), in binding order. */
  ownBindings(): Array<[string, unknown]> {
    return [...this.locals];
  }

  /** A read-only view of every visible name, for evaluate(). */
  view(): Vars {
    this.cachedView ??= this.makeView();
    return this.cachedView;
  }

  private resolve(name: string): unknown {
    if (isBlockedName(name)) return NOT_FOUND;
    for (let frame: Frame | undefined = this; frame; frame = frame.parent) {
      if (frame.locals.has(name)) return frame.locals.get(name);
    }
    const descriptor = Object.getOwnPropertyDescriptor(this.base, name);
    return descriptor && 'value' in descriptor ? (descriptor.value as unknown) : NOT_FOUND;
  }

  private names(): string[] {
    const names = new Set<string>(Object.keys(this.base));
    for (let frame: Frame | undefined = this; frame; frame = frame.parent) for (const name of frame.locals.keys()) names.add(name);
    return [...names].filter((name) => !isBlockedName(name));
  }

  private makeView(): Vars {
    const found = (key: string | symbol): key is string => typeof key === 'string' && this.resolve(key) !== NOT_FOUND;
    return new Proxy({} as Vars, {
      get: (_target, key) => (found(key) ? this.get(key) : undefined),
      has: (_target, key) => found(key),
      getOwnPropertyDescriptor: (_target, key) =>
        found(key) ? { value: this.get(key), writable: false, enumerable: true, configurable: true } : undefined,
      ownKeys: () => this.names(),
      set: () => false,
      defineProperty: () => false,
      deleteProperty: () => false,
      setPrototypeOf: () => false,
    });
  }
}
