// A read-only view of variables for templates and expressions: templated values render lazily, on
// first use, and nothing on any prototype is reachable.
import { FleetError } from '../errors.ts';
import type { SourceLocation, Vars } from '../types.ts';
import { isSecretName, processSecrets } from '../secrets.ts';
import { BLOCKED_KEYS } from '../blockedKeys.ts';
import { isRawLiteral } from '../yaml/unsafeTag.ts';

const scopes = new WeakSet<object>();
const MAX_DEPTH = 50;
// Lists and mappings whose texts are data, never templates (Ansible's unsafe): what a task registered.
const rawData = new WeakSet<object>();
// Most lists and mappings markRaw walks; anything past it keeps the usual lazy rendering.
const MAX_RAW_MARKED = 100_000;

/**
 * Marks `value` (a task's registered result) and the lists and mappings in it as data: a scope reading
 * them leaves a text holding `{{` as it is, as Ansible leaves module results (wrap_var) untemplated.
 */
export function markRaw<T>(value: T): T {
  const stack: unknown[] = [value];
  for (let marked = 0; stack.length > 0 && marked < MAX_RAW_MARKED; ) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || rawData.has(v) || isScope(v) || Buffer.isBuffer(v) || v instanceof Date) continue;
    rawData.add(v);
    marked++;
    for (const key of Object.keys(v)) if (!BLOCKED_KEYS.has(key)) stack.push((v as Record<string, unknown>)[key]);
  }
  return value;
}

/** Renders one templated string against a scope (injected by render.ts to avoid an import cycle). */
export type ValueRenderer = (value: string, scope: Vars, where: SourceLocation) => unknown;

/** True when `value` is already a scope view. */
export function isScope(value: unknown): boolean {
  return typeof value === 'object' && value !== null && scopes.has(value);
}

const isEnumerable = Object.prototype.propertyIsEnumerable;

/**
 * Wraps `vars` so that a string containing `{{` renders when first read, against the whole scope, as
 * Ansible's lazy variables do. A variable that refers to itself fails with a clear message.
 */
export function createScope(vars: Vars, where: SourceLocation, render: ValueRenderer): Vars {
  return scopeOver({ vars }, where, render);
}

/**
 * createScope over `layers` (lowest first), read as if they were spread into one mapping, without the
 * copy: a task's variables are a dozen layers, built per host and task, and copying them was most of
 * what the controller allocated at a few hundred hosts.
 */
export function createLayeredScope(layers: readonly Vars[], where: SourceLocation, render: ValueRenderer): Vars {
  return scopeOver({ layers }, where, render);
}

function scopeOver(root: { vars: Vars } | { layers: readonly Vars[] }, where: SourceLocation, render: ValueRenderer): Vars {
  const state = { depth: 0 };
  let top: Vars;
  const wrap = (value: unknown, name: string, raw = false): unknown => {
    if (typeof value === 'string' && value.includes('{{') && !raw) {
      if (state.depth > MAX_DEPTH) {
        throw new FleetError(
          'template',
          `variable '${name}' refers to itself (recursive template), or templates in variables nest more than ${MAX_DEPTH} deep`,
          { location: where },
        );
      }
      state.depth++;
      try {
        const rendered = render(value, top, where);
        // `db_password: "{{ lookup(...) }}"`: what a secret-named variable renders to is secret too.
        if (isSecretName(name.slice(name.lastIndexOf('.') + 1))) processSecrets.add(rendered);
        // A raw block (`!unsafe` text) renders to literal text, which is data: not rendered again.
        return wrap(rendered, name, isRawLiteral(value));
      } finally {
        state.depth--;
      }
    }
    if (value === null || typeof value !== 'object' || isScope(value) || Buffer.isBuffer(value) || value instanceof Date) return value;
    return view(value as Record<string, unknown>, name);
  };
  const view = (target: Record<string, unknown>, path: string): Vars => {
    const memo = new Map<string, unknown>();
    const raw = rawData.has(target);
    const read = (key: string): unknown => {
      if (!memo.has(key)) memo.set(key, wrap(target[key], path ? `${path}.${key}` : key, raw));
      return memo.get(key);
    };
    const own = (key: string | symbol): key is string => typeof key === 'string' && !BLOCKED_KEYS.has(key) && Object.hasOwn(target, key);
    const proxy = new Proxy(target, {
      get: (_t, key) => {
        if (key === Symbol.toPrimitive) return () => (Array.isArray(target) ? '[list]' : '[vars]');
        if (key === 'length' && Array.isArray(target)) return target.length;
        if (key === Symbol.iterator && Array.isArray(target)) {
          return function* () {
            for (let i = 0; i < target.length; i++) yield read(String(i));
          };
        }
        if (own(key)) return read(key);
        // Lists keep their methods (map, join, ...) so helpers work; they run against this view.
        if (Array.isArray(target) && typeof key === 'string' && !BLOCKED_KEYS.has(key)) return Reflect.get(target, key, proxy) as unknown;
        return undefined;
      },
      has: (_t, key) => own(key),
      getOwnPropertyDescriptor: (_t, key) => {
        if (key === 'length' && Array.isArray(target)) return Reflect.getOwnPropertyDescriptor(target, key);
        return own(key) ? { value: read(key), writable: true, enumerable: true, configurable: true } : undefined;
      },
      ownKeys: (t) => Reflect.ownKeys(t).filter((k) => typeof k === 'string' && !BLOCKED_KEYS.has(k)),
      set: () => false,
      defineProperty: () => false,
      deleteProperty: () => false,
    });
    scopes.add(proxy);
    return proxy as Vars;
  };
  const layeredView = (layers: readonly Vars[]): Vars => {
    const memo = new Map<string, unknown>();
    // The highest layer holding `key` as an own enumerable property (what spreading the layers would keep).
    const holder = (key: string | symbol): Vars | undefined => {
      if (typeof key !== 'string' || BLOCKED_KEYS.has(key)) return undefined;
      for (let i = layers.length - 1; i >= 0; i--) if (isEnumerable.call(layers[i], key)) return layers[i];
      return undefined;
    };
    const read = (key: string, layer: Vars): unknown => {
      if (!memo.has(key)) memo.set(key, wrap(layer[key], key));
      return memo.get(key);
    };
    const proxy = new Proxy({} as Vars, {
      get: (_t, key) => {
        if (key === Symbol.toPrimitive) return () => '[vars]';
        const layer = holder(key);
        return layer ? read(key as string, layer) : undefined;
      },
      has: (_t, key) => holder(key) !== undefined,
      getOwnPropertyDescriptor: (_t, key) => {
        const layer = holder(key);
        return layer ? { value: read(key as string, layer), writable: true, enumerable: true, configurable: true } : undefined;
      },
      ownKeys: () => {
        const keys = new Set<string>();
        for (const layer of layers) for (const key of Object.keys(layer)) if (!BLOCKED_KEYS.has(key)) keys.add(key);
        return [...keys];
      },
      set: () => false,
      defineProperty: () => false,
      deleteProperty: () => false,
    });
    scopes.add(proxy);
    return proxy;
  };
  top = 'layers' in root ? layeredView(root.layers) : view(root.vars as Record<string, unknown>, '');
  return top;
}

/**
 * Most lists, mappings and values one materialize() may copy, including the copies it triggers by rendering
 * lazy variables (`b: ["{{ a }}", "{{ a }}"]`, forty levels deep, shares each level twice). Copying through
 * scope views costs several microseconds a node, so this keeps any one copy near a second.
 */
export const MAX_MATERIALIZED_NODES = 250_000;

// Shared by a materialize() and those its lazy renderings start, so nesting cannot reset the count.
let copying: { nodes: number } | undefined;

/** Deep plain copy of a scope (or any data), resolving every lazy value; for registering and reporting. */
export function materialize(value: unknown, where?: SourceLocation): unknown {
  const outermost = copying === undefined;
  if (outermost) copying = { nodes: MAX_MATERIALIZED_NODES };
  const budget = copying as { nodes: number };
  const copy = (v: unknown): unknown => {
    if (--budget.nodes < 0) {
      const message = `value is too large to copy (over ${MAX_MATERIALIZED_NODES} items; a shared sub-value counts each time it appears)`;
      throw new FleetError('template', message, where ? { location: where } : {});
    }
    if (Array.isArray(v)) return Array.from(v, copy);
    if (v && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) out[k] = copy((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  try {
    return copy(value);
  } finally {
    if (outermost) copying = undefined;
  }
}
