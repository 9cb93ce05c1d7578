// A scope over variable layers (engine/template/scope.ts createLayeredScope, what taskVars builds) reads
// exactly as a scope over the layers spread into one mapping, which is what it replaced.
import { describe, expect, it } from 'vitest';
import { layeredScopeOf, renderString, scopeOf } from '../../engine/template/render.ts';
import type { Vars } from '../../engine/types.ts';

const where = { file: 'play.yml', line: 3, column: 5 };
const NAMES = ['a', 'b', 'c', 'd', 'port', 'list', 'constructor', 'toString', '__proto__'];

/** A small deterministic generator, so a failure names its seed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function randomLayers(next: () => number): Vars[] {
  const layers: Vars[] = [];
  const count = 1 + Math.floor(next() * 6);
  for (let l = 0; l < count; l++) {
    const layer: Vars = {};
    for (const name of NAMES) {
      if (next() < 0.6) continue;
      const pick = next();
      const value =
        pick < 0.2
          ? undefined
          : pick < 0.4
            ? `{{ ${NAMES[Math.floor(next() * 5)]} | default('none') }}-${l}`
            : pick < 0.6
              ? { inner: `v${l}`, deep: [l, `{{ port | default(0) }}`] }
              : pick < 0.8
                ? l * 10
                : `plain-${l}`;
      Object.defineProperty(layer, name, { value, enumerable: true, writable: true, configurable: true });
    }
    if (next() < 0.2) Object.defineProperty(layer, 'hidden', { value: 'not enumerable', enumerable: false });
    layers.push(layer);
  }
  return layers;
}

/** What the layers looked like when they were copied into one mapping. */
function spread(layers: Vars[]): Vars {
  const out: Vars = {};
  for (const layer of layers)
    for (const [k, v] of Object.entries(layer))
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** The value, or the error's message: a self-referring template fails the same way in both. */
function attempt(f: () => unknown): unknown {
  try {
    return f();
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

function observe(scope: Vars): unknown {
  return {
    keys: attempt(() => Object.keys(scope)),
    has: NAMES.map((n) => n in scope),
    own: NAMES.map((n) => attempt(() => Object.hasOwn(scope, n))),
    values: NAMES.filter((n) => n !== '__proto__').map((n) => attempt(() => JSON.stringify(renderString(`{{ ${n} }}`, scope, where)))),
    proto: attempt(() => JSON.stringify(scope.__proto__ ?? null)),
    hidden: scope.hidden,
    json: attempt(() => JSON.stringify(scope)),
  };
}

describe('a scope over variable layers', () => {
  it('reads as the layers spread into one mapping (300 random layer sets)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const layers = randomLayers(random(seed));
      expect(observe(layeredScopeOf(layers, where)), `seed ${seed}`).toEqual(observe(scopeOf(spread(layers), where)));
    }
  });

  it('lets a higher layer set a name to undefined over a lower one, as the copy did', () => {
    const scope = layeredScopeOf([{ x: 'low' }, { x: undefined }], where);
    expect('x' in scope).toBe(true);
    expect(scope.x).toBeUndefined();
  });

  it('renders a lower layer’s template against the whole scope, higher layers included', () => {
    const scope = layeredScopeOf([{ url: 'https://{{ host }}:{{ port }}', port: 1 }, { host: 'example.org' }, { port: 8443 }], where);
    expect(scope.url).toBe('https://example.org:8443');
  });

  it('is read-only and reaches nothing on a prototype', () => {
    const scope = layeredScopeOf([{ a: 1 }], where);
    expect(Reflect.set(scope, 'a', 2)).toBe(false);
    expect(Reflect.deleteProperty(scope, 'a')).toBe(false);
    expect(scope.constructor).toBeUndefined();
    expect(scope.hasOwnProperty).toBeUndefined();
    expect(() => renderString('{{ a.constructor.constructor("return 1")() }}', scope, where)).toThrow();
  });
});
