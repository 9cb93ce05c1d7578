// Fuzz: INI and YAML inventories (with group_vars/host_vars) load into an inventory or fail with a located
// FleetError, never another exception, without hanging. Fixed seed, bounded runs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { loadInventory, selectHosts } from '../../engine/inventory/index.ts';
import { resetVault } from '../../engine/vault/index.ts';
import { expectLinear } from '../support/scaling.ts';

// A fixed seed keeps `npm test` deterministic; FLEETPLAY_FUZZ_SEED explores other inputs by hand.
const SEED = Number(process.env['FLEETPLAY_FUZZ_SEED'] ?? 20261206);
// Each case only has to finish: a true hang (exponential backtracking, a loop) runs for minutes, while a busy
// machine made 2 s bounds fail. How time grows with the input is checked by expectLinear, not per case.
const HANG_MS = 30_000;
const root = mkdtempSync(path.join(tmpdir(), 'fp-fuzz-inv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const INI_PIECES = [
  '[',
  ']',
  ':',
  '[web]',
  '[web:vars]',
  '[web:children]',
  '[db]',
  '[all:vars]',
  '[x:bogus]',
  '\n',
  ' ',
  '\t',
  '=',
  '#',
  ';',
  'h1',
  'web1',
  'db1',
  'node[1:3]',
  'node[a:c]',
  'node[a:Z]',
  'node[01:3]',
  '[::1]:22',
  'fe80::1',
  'h:22',
  'h:0',
  'h:99999',
  'ansible_port=',
  'ansible_host=',
  'x=',
  '22',
  'notanumber',
  '"',
  "'",
  '\\',
  '{',
  '}',
  '(',
  ')',
  ',',
  '{"a": 1}',
  "['a']",
  'True',
  'None',
  '0x1F',
  '1e5',
  '-1',
  "b'x'",
  '__proto__',
  'constructor',
  'prototype',
  '---',
  'all:',
  '{{ x }}',
  '\u0000',
  '\uFEFF',
  '\r\n',
];

const YAML_PIECES = [
  'all:',
  'web:',
  'hosts:',
  'children:',
  'vars:',
  'plugin: x',
  '\n',
  '\n  ',
  '\n    ',
  '\n      ',
  ' ',
  ': ',
  '- ',
  '{',
  '}',
  '[',
  ']',
  'h1',
  'web[1:3]',
  'h:22',
  'ansible_port: ',
  '70000',
  'abc',
  '22',
  '&a ',
  '*a',
  '~',
  'null',
  '__proto__',
  'constructor',
  '"',
  "'",
  'ansible_group_priority: ',
  'x',
  '!vault ',
  '\u0000',
  '\uFEFF',
];

const text = (pieces: string[], maxLength: number) => fc.array(fc.constantFrom(...pieces), { maxLength }).map((parts) => parts.join(''));

// Nasty shapes: bracket floods, many hosts and groups, deep children chains, range products, long lines.
const nastyIni = fc.oneof(
  fc.integer({ min: 1, max: 20000 }).map((n) => `h1 x=${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 1, max: 20000 }).map((n) => `[web]\nh1\n${'['.repeat(n)}\n${']'.repeat(n)}`),
  fc.integer({ min: 1, max: 5000 }).map((n) => Array.from({ length: n }, (_, i) => `[g${i}:children]\ng${i + 1}`).join('\n')),
  fc
    .integer({ min: 1, max: 4000 })
    .map((n) => '[web]\n' + Array.from({ length: n }, (_, i) => `h${i} ansible_port=${(i % 70000) + 1}`).join('\n')),
  fc.integer({ min: 1, max: 12 }).map((n) => `h${'[1:4]'.repeat(n)}`),
  fc.tuple(fc.constantFrom('a', '[', '"', "'", '\\', '=', ' '), fc.integer({ min: 1, max: 60000 })).map(([c, n]) => `h1 v=${c.repeat(n)}`),
  fc
    .integer({ min: 1, max: 3000 })
    .map((n) => `[web]\nh1\n[web:vars]\n${Array.from({ length: n }, (_, i) => `ghost${i} ansible_host=10.0.0.${i % 255}`).join('\n')}`),
);

const nastyYaml = fc.oneof(
  fc
    .integer({ min: 1, max: 3000 })
    .map((n) => `all:\n  hosts:\n${Array.from({ length: n }, (_, i) => `    h${i}: {ansible_port: ${i + 1}}`).join('\n')}`),
  fc.integer({ min: 1, max: 300 }).map((n) => {
    let out = 'all:\n  children:\n';
    for (let i = 0; i < n; i++) out += `${'  '.repeat(i + 2)}g${i}:\n${'  '.repeat(i + 3)}children:\n`;
    return out;
  }),
  fc.integer({ min: 1, max: 3000 }).map((n) => `all:\n  vars: {a: *nope}\n${'  x: 1\n'.repeat(n)}`),
);

/** fc.assert with this file's seed, reporting at most 3,000 characters (a counterexample may be 60 KiB). */
function check<T>(property: fc.IProperty<T>, numRuns: number): void {
  try {
    fc.assert(property, { seed: SEED, numRuns });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(message.length > 3000 ? `${message.slice(0, 3000)}…` : message);
  }
}

let case_ = 0;
/** Writes `files` into a fresh directory and loads `entry` from it, then asks every host for its variables. */
function expectCleanLoad(files: Record<string, string | Buffer>, entry: string): void {
  const dir = path.join(root, String(case_++));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  const shown = () => JSON.stringify(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.toString().slice(0, 800)])));
  const started = performance.now();
  try {
    const inv = loadInventory(path.join(dir, entry));
    // Group membership and variables are computed on demand: they are part of loading too.
    for (const host of selectHosts(inv, 'all').slice(0, 50)) inv.hostVars(host);
  } catch (err) {
    if (!(err instanceof FleetError)) throw new Error(`${String(err)} (not a FleetError) for ${shown()}`, { cause: err });
    if (!err.location) throw new Error(`FleetError without a location: ${err.message} for ${shown()}`);
  }
  const ms = performance.now() - started;
  if (ms > HANG_MS) throw new Error(`hung: took ${Math.round(ms)} ms for ${shown()}`);
  rmSync(dir, { recursive: true, force: true });
}

const small = (s: string) => Buffer.byteLength(s) < 64 * 1024;

describe('fuzz: inventories', () => {
  it('the sized families of `nastyIni` and `nastyYaml` load in linear time', { timeout: 300_000 }, () => {
    resetVault();
    // Each at an eighth of its largest size and at that size, each inventory written once. YAML children nested
    // n deep are left out: their indentation makes the text itself grow as n².
    const families: [label: string, size: number, entry: string, text: (n: number) => string][] = [
      ['INI [ in a value', 20_000, 'hosts', (n) => `h1 x=${'['.repeat(n)}${']'.repeat(n)}`],
      ['INI [ lines', 20_000, 'hosts', (n) => `[web]\nh1\n${'['.repeat(n)}\n${']'.repeat(n)}`],
      ['INI children chain', 5000, 'hosts', (n) => Array.from({ length: n }, (_, i) => `[g${i}:children]\ng${i + 1}`).join('\n')],
      [
        'INI hosts with ports',
        4000,
        'hosts',
        (n) => '[web]\n' + Array.from({ length: n }, (_, i) => `h${i} ansible_port=${(i % 70000) + 1}`).join('\n'),
      ],
      ...['a', '[', '"', '\\'].map((c): [string, number, string, (n: number) => string] => [
        `INI long ${c}`,
        60_000,
        'hosts',
        (n) => `h1 v=${c.repeat(n)}`,
      ]),
      [
        'INI vars of unknown hosts',
        3000,
        'hosts',
        (n) => `[web]\nh1\n[web:vars]\n${Array.from({ length: n }, (_, i) => `ghost${i} ansible_host=10.0.0.${i % 255}`).join('\n')}`,
      ],
      [
        'YAML hosts',
        3000,
        'inv.yml',
        (n) => `all:\n  hosts:\n${Array.from({ length: n }, (_, i) => `    h${i}: {ansible_port: ${i + 1}}`).join('\n')}`,
      ],
      ['YAML vars after a bad alias', 3000, 'inv.yml', (n) => `all:\n  vars: {a: *nope}\n${'  x: 1\n'.repeat(n)}`],
    ];
    for (const [label, size, entry, text] of families) {
      const files = new Map<number, string>();
      const fileFor = (n: number): string => {
        const known = files.get(n);
        if (known) return known;
        const dir = path.join(root, `${label.replace(/\W/g, '_')}-${n}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, entry), text(n));
        return files.set(n, path.join(dir, entry)).get(n)!;
      };
      expectLinear(
        (n) => {
          try {
            const inv = loadInventory(fileFor(n));
            for (const host of selectHosts(inv, 'all').slice(0, 50)) inv.hostVars(host);
          } catch (err) {
            if (!(err instanceof FleetError)) throw err;
          }
        },
        size / 8,
        { maxN: size / 8, label },
      );
    }
  });

  it('INI inventories', () => {
    resetVault();
    check(
      fc.property(fc.oneof({ weight: 3, arbitrary: text(INI_PIECES, 120) }, { weight: 1, arbitrary: nastyIni }), (ini) => {
        fc.pre(small(ini));
        expectCleanLoad({ hosts: ini }, 'hosts');
      }),
      400,
    );
  });

  it('YAML inventories', () => {
    check(
      fc.property(fc.oneof({ weight: 3, arbitrary: text(YAML_PIECES, 120) }, { weight: 1, arbitrary: nastyYaml }), (yaml) => {
        fc.pre(small(yaml));
        expectCleanLoad({ 'inv.yml': yaml }, 'inv.yml');
      }),
      300,
    );
  });

  it('group_vars and host_vars beside a valid inventory, as text and as raw bytes', () => {
    const vars = fc.oneof(
      text(YAML_PIECES, 80),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    );
    check(
      fc.property(vars, vars, (groupVars, hostVars) => {
        expectCleanLoad({ hosts: '[web]\nweb1\n', 'group_vars/web.yml': groupVars, 'host_vars/web1': hostVars }, 'hosts');
      }),
      200,
    );
  });
});
