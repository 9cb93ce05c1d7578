// Fuzz: templates (Handlebars, strict) render to text or fail with a located FleetError of kind 'template',
// never another exception, without hanging; they never write to the console and never touch a prototype.
// Fixed seed, bounded runs: deterministic and fast.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { handlebarsProblem } from '../../engine/playbook/templateSyntax.ts';
import { MAX_TEMPLATE_NESTING, MAX_TEMPLATE_STATEMENTS } from '../../engine/template/limits.ts';
import { renderHandlebars, renderValue, scopeOf } from '../../engine/template/render.ts';
import type { Vars } from '../../engine/types.ts';
import { expectLinear } from '../support/scaling.ts';

// Fixed for `npm test`; FUZZ_SEED explores other inputs by hand.
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
// Each case only has to finish: a true hang (exponential backtracking, a loop) runs for minutes, while a busy
// machine made 2 s bounds fail. How time grows with the input is checked by expectLinear, not per case.
const HANG_MS = 30_000;
const MAX_INPUT = 64 * 1024;
const where = { file: 'fuzz.yml', line: 3, column: 5 };

const PROTOTYPES = [Object.prototype, Array.prototype, String.prototype, Function.prototype];
const protoKeys = (): string[][] => PROTOTYPES.map((p) => Reflect.ownKeys(p).map(String).sort());
const baseline = protoKeys();

// Handlebars' log helper and its logger write to the console, past redaction: none of them may be called.
let consoleSpies: MockInstance[] = [];
beforeAll(() => {
  consoleSpies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(() => undefined),
  );
});
afterAll(() => {
  for (const spy of consoleSpies) spy.mockRestore();
});

/** Variables as a task sees them: a lazy scope with templated values, a self-reference, shared values, a secret. */
function vars(): Vars {
  const shared: Record<string, unknown> = { b0: ['x'] };
  for (let i = 1; i <= 40; i++) shared[`b${i}`] = [`{{ b${i - 1} }}`, `{{ b${i - 1} }}`];
  return scopeOf(
    {
      ...shared,
      s: 'hello',
      n: 3,
      f: false,
      zero: 0,
      none: null,
      xs: ['a', 'b', 'c'],
      m: { k: 'v', nested: { deep: [1, { x: true }] }, 'odd key': 1 },
      big: Array.from({ length: 2000 }, (_, i) => i),
      t: '{{ s }}!',
      loop: '{{ loop }}',
      db_password: 'Hunter2-secret',
      item: { registry: 'r', endpoints: ['e1'] },
    },
    where,
  );
}

/** Runs `fn`; fails unless it returns or throws a located template FleetError within the limit. */
function expectCleanOutcome(fn: () => unknown, input: string): void {
  const shown = () => JSON.stringify(input.slice(0, 500));
  const started = performance.now();
  try {
    fn();
  } catch (err) {
    if (!(err instanceof FleetError)) throw new Error(`${String(err)} (not a FleetError) for ${shown()}`, { cause: err });
    if (!err.location) throw new Error(`FleetError without a location: ${err.message} for ${shown()}`);
    if (err.message.includes('Hunter2-secret')) throw new Error(`error message quotes a variable's value: ${err.message}`);
  }
  const ms = performance.now() - started;
  if (ms > HANG_MS) throw new Error(`hung: took ${Math.round(ms)} ms for ${input.length} characters: ${shown()}`);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(protoKeys()).toEqual(baseline);
  for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
}

// Paths that exist, do not, or reach for prototypes; helpers fleetplay registers and Handlebars' built-ins.
const PATHS = [
  's',
  'n',
  'f',
  'zero',
  'none',
  'xs',
  'm',
  'm.k',
  'm.nested.deep',
  'm.[odd key]',
  'xs.0',
  'xs.[1]',
  'xs.length',
  'big',
  't',
  'loop',
  'db_password',
  'item.server',
  'item.registry',
  'nope',
  'nope.deeper',
  'this',
  '.',
  '..',
  '../s',
  '@root.s',
  '@index',
  '@key',
  '@first',
  'this.s',
  '__proto__',
  'constructor',
  'constructor.name',
  'm.__proto__',
  'xs.constructor',
  's.length',
  'toString',
  'hasOwnProperty',
  'm.__proto__.polluted',
  '__defineGetter__',
  'prototype',
  'b3',
  'b40',
  'b40.0.1',
];
const HELPERS = [
  'upper',
  'lower',
  'trim',
  'default',
  'join',
  'basename',
  'dirname',
  'replace',
  'to_json',
  'to_nice_json',
  'to_yaml',
  'version',
  'eq',
  'ne',
  'not',
  'and',
  'or',
  'lookup',
  'log',
  'helperMissing',
  'blockHelperMissing',
  'each',
  'if',
  'with',
  'unless',
  '__fleetplay_text',
  '__fleetplay_attribute',
  'nope',
];
const ARGS = [
  ...PATHS,
  '"str"',
  "'q'",
  '1',
  '-1',
  '1e999',
  'true',
  'null',
  'undefined',
  '"__proto__"',
  '"constructor"',
  'sep=","',
  'indent=2',
  'x=nope',
];

const path = fc.constantFrom(...PATHS);
const arg = fc.oneof(
  fc.constantFrom(...ARGS),
  fc.tuple(fc.constantFrom(...HELPERS), fc.constantFrom(...ARGS)).map(([h, a]) => `(${h} ${a})`),
);
const call = fc.tuple(fc.constantFrom(...HELPERS), fc.array(arg, { maxLength: 3 })).map(([h, a]) => [h, ...a].join(' '));

const grammar = fc.letrec<{ body: string }>((tie) => ({
  body: fc
    .array(
      fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('text ', '\n', '"', "'", '\\', '}', '{', '[', 'é😀', '{{!-- c --}}', '{{! c }}', '\\{{ s }}'),
        path.map((p) => `{{ ${p} }}`),
        path.map((p) => `{{{ ${p} }}}`),
        path.map((p) => `{{~ ${p} ~}}`),
        call.map((c) => `{{${c}}}`),
        fc
          .tuple(fc.constantFrom('if', 'unless', 'each', 'with'), arg, tie('body'), fc.option(tie('body'), { nil: undefined }))
          .map(
            ([block, a, inner, otherwise]) =>
              `{{#${block} ${a}}}${inner}${otherwise === undefined ? '' : `{{else}}${otherwise}`}{{/${block}}}`,
          ),
        fc.tuple(path, tie('body')).map(([p, inner]) => `{{#each ${p} as |v i|}}${inner}{{ v }}{{ i }}{{/each}}`),
        fc.tuple(path, tie('body')).map(([p, inner]) => `{{#${p}}}${inner}{{/${p}}}`),
        fc.tuple(path, tie('body')).map(([p, inner]) => `{{^${p}}}${inner}{{/${p}}}`),
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join('')),
})).body;

// Raw text from the pieces that matter to Handlebars' lexer and parser.
const PIECES = [
  '{{',
  '}}',
  '{{{',
  '}}}',
  '{{#',
  '{{/',
  '{{^',
  '{{>',
  '{{!',
  '{{!--',
  '--}}',
  '{{&',
  '{{~',
  '~}}',
  '{{*',
  '{{#*inline "p"}}',
  '{{/inline}}',
  '{{> p}}',
  '{{#> p}}',
  '{{{{raw}}}}',
  '{{{{/raw}}}}',
  '{{else}}',
  'as |x|',
  '(',
  ')',
  '[',
  ']',
  '=',
  '"',
  "'",
  '\\',
  ' ',
  '\n',
  '.',
  '/',
  '..',
  '@',
  '#',
  's',
  'xs',
  'm',
  'nope',
  'if',
  'each',
  'with',
  'lookup',
  'log',
  'upper',
  'this',
  '__proto__',
  'constructor',
  '1',
  'true',
  'é',
  '😀',
  '\u0000',
  '\u2028',
];
const raw = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((parts) => parts.join(''));

// Deep nesting, huge loops, recursion, long text.
const nasty = fc.oneof(
  fc
    .tuple(fc.constantFrom('if', 'each', 'with', 'unless'), fc.integer({ min: 1, max: 4000 }))
    .map(([b, k]) => `{{#${b} xs}}`.repeat(k) + 'x' + `{{/${b}}}`.repeat(k)),
  fc.integer({ min: 1, max: 3000 }).map((k) => `{{upper ${'(lower '.repeat(k)}s${')'.repeat(k)}}}`),
  fc.integer({ min: 1, max: 6 }).map((k) => '{{#each big}}'.repeat(k) + 'x' + '{{/each}}'.repeat(k)),
  fc.integer({ min: 1, max: 6 }).map((k) => '{{#each @root.big}}'.repeat(k) + '{{ @root.m }}' + '{{/each}}'.repeat(k)),
  fc.constant('{{#*inline "p"}}{{> p}}{{/inline}}{{> p}}'),
  fc.constant('{{#*inline "p"}}{{#each @root.xs}}{{> p}}{{/each}}{{/inline}}{{> p}}'),
  fc.integer({ min: 1, max: 60_000 }).map((k) => `${'x'.repeat(k)}{{ s }}`),
  fc.constantFrom(10, 100, 1000, 5001).map((k) => '{{ s }}'.repeat(k)),
  fc.constantFrom(
    '{{log db_password}}',
    '{{lookup m "__proto__"}}',
    '{{#with m}}{{__proto__}}{{/with}}',
    '{{lookup (lookup m "constructor") "prototype"}}',
  ),
);

const anyTemplate = fc.oneof(
  { weight: 4, arbitrary: grammar },
  { weight: 3, arbitrary: raw },
  { weight: 2, arbitrary: nasty },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
);

describe('fuzz: templates', () => {
  it('renderHandlebars: text or a located template error, fast, no console, prototypes untouched', () => {
    const v = vars();
    fc.assert(
      fc.property(anyTemplate, (template) => {
        fc.pre(template.length < MAX_INPUT);
        expectCleanOutcome(() => {
          const text = renderHandlebars(`{{ s }}${template}`, v, where);
          if (typeof text !== 'string') throw new Error(`rendered ${typeof text}`);
        }, template);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('renderValue: module arguments (strings, bare references, nested lists and mappings)', () => {
    const v = vars();
    const value = fc.oneof(
      anyTemplate,
      path.map((p) => `{{ ${p} }}`),
      fc.array(anyTemplate, { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', '__proto__', 'constructor'), anyTemplate, { maxKeys: 3 }),
    );
    fc.assert(
      fc.property(value, (arg) => {
        const input = JSON.stringify(arg);
        fc.pre(input.length < MAX_INPUT);
        expectCleanOutcome(() => renderValue(arg, v, where), input);
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('the sized families of `nasty` render and validate in linear time', { timeout: 300_000 }, () => {
    const v = vars();
    // Each at an eighth of its largest size and at that size. Nesting past the limit (at 500 too) is refused by
    // the shape scan validate runs, before compiling, so rendering it is timed by validate's check. Handlebars'
    // own compile grows faster than linear with the number of statements (ratio 12 to 16 here), so that family
    // is timed at validate only too.
    const families: [label: string, size: number, text: (k: number) => string, render: boolean][] = [
      ...(['if', 'each', 'with', 'unless'] as const).map((b): [string, number, (k: number) => string, boolean] => [
        `{{#${b}}} nesting`,
        4000,
        (k) => `{{#${b} xs}}`.repeat(k) + 'x' + `{{/${b}}}`.repeat(k),
        false,
      ]),
      ['subexpressions', 3000, (k) => `{{upper ${'(lower '.repeat(k)}s${')'.repeat(k)}}}`, false],
      ['long text', 60_000, (k) => `${'x'.repeat(k)}{{ s }}`, true],
      ['statements', 800, (k) => '{{ s }}'.repeat(k), false],
    ];
    // A different tail on every render defeats the cache of compiled templates: each run compiles.
    let unique = 0;
    for (const [label, size, text, render] of families) {
      const from = size / 8;
      expectLinear((k) => handlebarsProblem(text(k)), from, { maxN: from, label: `validate ${label}` });
      if (render) {
        expectLinear((k) => expectCleanOutcome(() => renderHandlebars(`{{ s }}${text(k)}${(unique += 1)}`, v, where), label), from, {
          maxN: from,
          label: `render ${label}`,
        });
      }
    }
  });

  it('validate refuses deep block and subexpression nesting and too many statements, at once, at the right {{', () => {
    // One level of nesting, in each form Handlebars nests: a block, an inverse block, an `else if` link (inside
    // an open block), a subexpression, a hash value; with noise that must not hide or add a level.
    type Level = { open: string; close: string };
    const level: fc.Arbitrary<Level> = fc.oneof(
      fc.constantFrom('if', 'each', 'with', 'unless').map((b) => ({ open: `{{#${b} xs}}`, close: `{{/${b}}}` })),
      fc.constant({ open: '{{^xs}}', close: '{{/xs}}' }),
      fc.constant({ open: '{{~#if xs~}}', close: '{{~/if~}}' }),
    );
    const noise = fc.constantFrom(
      '',
      'text',
      '{{!-- {{#if}} --}}',
      '{{! (( }}',
      '\\{{#if a}}',
      '{{upper "}}(("}}',
      "{{x '(('}}",
      '{{x [((]}}',
      '{{else}}',
      '\n',
    );
    const nested = fc
      .tuple(fc.array(fc.tuple(level, noise), { minLength: 1, maxLength: 120 }), fc.integer({ min: 0, max: 80 }), fc.boolean())
      .map(([levels, parens, chain]) => {
        const inner = `{{upper ${'(lower '.repeat(parens)}s${')'.repeat(parens)}}}`;
        const elseIf = chain ? '{{else if xs}}' : '';
        const text =
          levels.map(([l, n]) => l.open + n).join('') +
          inner +
          elseIf +
          levels
            .map(([l]) => l.close)
            .reverse()
            .join('');
        // Blocks, plus the `else if` link inside the innermost block, plus the subexpressions: deepest at `inner`
        // (or at the link when that is deeper).
        const depth = Math.max(levels.length + parens, levels.length + (chain ? 1 : 0));
        const firstOver =
          levels.length > MAX_TEMPLATE_NESTING
            ? levels.slice(0, MAX_TEMPLATE_NESTING).reduce((n, [l, x]) => n + l.open.length + x.length, 0)
            : undefined;
        return { text, depth, firstOver };
      });
    const many = fc
      .tuple(fc.integer({ min: 4990, max: 7000 }), fc.constantFrom('{{ s }}', '{{x}}', '{{! c }}', '{{upper (lower s)}}', '\\\\{{x}}'))
      .map(([k, unit]) => ({
        text: unit.repeat(k),
        statements: k,
      }));
    fc.assert(
      fc.property(nested, ({ text, depth, firstOver }) => {
        fc.pre(text.length < MAX_INPUT);
        const started = performance.now();
        const problem = handlebarsProblem(text);
        expect(performance.now() - started).toBeLessThan(HANG_MS);
        if (depth > MAX_TEMPLATE_NESTING) {
          expect(problem?.message).toBe(`template nests blocks and ( ) more than ${MAX_TEMPLATE_NESTING} deep`);
          if (firstOver !== undefined) expect(problem).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
          if (firstOver !== undefined && !text.slice(0, firstOver).includes('\n')) expect(problem?.column).toBe(firstOver + 1);
        } else {
          // Within the limits: Handlebars judges the syntax (an `else if` inside `{{^x}}` is an error), not the shape.
          expect(problem?.message ?? '').not.toMatch(/more than/);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
    fc.assert(
      fc.property(many, ({ text, statements }) => {
        const started = performance.now();
        const problem = handlebarsProblem(text);
        expect(performance.now() - started).toBeLessThan(HANG_MS);
        if (statements > MAX_TEMPLATE_STATEMENTS)
          expect(problem?.message).toBe(`template has more than ${MAX_TEMPLATE_STATEMENTS} {{ }} statements`);
        else expect(problem).toBeUndefined();
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});
