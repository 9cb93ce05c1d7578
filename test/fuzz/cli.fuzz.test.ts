// Fuzz: the argument parsing of `run` and `validate`, called in-process with random argv over temp files.
// Every inventory here has no host, so nothing connects anywhere. Each call returns an exit code or throws a
// FleetError (exit 4), never another exception, without hanging. Fixed seed, bounded runs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runCommand } from '../../engine/cli/run.ts';
import { validateCommand } from '../../engine/cli/validate.ts';
import { FleetError } from '../../engine/errors.ts';
import { resetVault } from '../../engine/vault/index.ts';

// A fixed seed keeps `npm test` deterministic; FLEETPLAY_FUZZ_SEED explores other inputs by hand.
const SEED = Number(process.env['FLEETPLAY_FUZZ_SEED'] ?? 20261206);
// Each case only has to finish: a true hang (exponential backtracking, a loop) runs for minutes, while a busy
// machine made 2 s bounds fail. How time grows with the input is checked by expectLinear, not per case.
const HANG_MS = 30_000;
const dir = mkdtempSync(path.join(tmpdir(), 'fp-fuzz-cli-'));
const at = (name: string): string => path.join(dir, name);
const savedRetryDir = process.env['FLEETPLAY_RETRY_DIR'];

beforeAll(() => {
  const files: Record<string, string | Buffer> = {
    'play.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n',
    'bad.yml': '- hosts: all\n  tasks:\n    - debug: {msg: *nope}\n',
    'latin1.yml': Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]),
    'vars.yml': 'x: 1\n',
    'empty.ini': '# no hosts\n',
    'empty.yml': 'all:\n  vars:\n    a: 1\n',
    'groups.ini': '[web]\n[web:vars]\nx=1\n',
    'badport.ini': '[web:vars]\nansible_port=notanumber\n[web]\n',
    'pass.txt': 'fleetplay-test-password\n',
    'blank.txt': '\n',
    'limit.txt': 'web\n!db\n',
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(at(name), content);
  mkdirSync(at('retry'));
  mkdirSync(at('inv-dir/group_vars'), { recursive: true });
  writeFileSync(at('inv-dir/hosts'), '[web]\n');
  writeFileSync(at('inv-dir/group_vars/web.yml'), 'a: &a [1, *a]\n');
  // A run with no host still writes its retry file: into the temp dir, never ~/.fleetplay.
  process.env['FLEETPLAY_RETRY_DIR'] = at('retry');
});
afterAll(() => {
  if (savedRetryDir === undefined) delete process.env['FLEETPLAY_RETRY_DIR'];
  else process.env['FLEETPLAY_RETRY_DIR'] = savedRetryDir;
  rmSync(dir, { recursive: true, force: true });
});

const weird = fc.constantFrom(
  '',
  '-',
  '--',
  '=',
  '@',
  '{',
  '{{',
  '}}',
  '[',
  ':',
  '!',
  '&',
  '~(a+)+$',
  '\u0000',
  '\uFEFF',
  'a'.repeat(5000),
  '__proto__',
  '-1',
  '0',
  '1e3',
  ' ',
);
// Mostly well-formed values, so that most calls get past option parsing and load the files.
const mostly = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: usual }, { weight: 1, arbitrary: odd });
const playbook = mostly(fc.constantFrom('play.yml', 'play.yml', 'bad.yml', 'latin1.yml', 'missing.yml', 'retry').map(at), weird);
const inventory = mostly(
  fc.constantFrom('empty.ini', 'empty.yml', 'groups.ini', 'badport.ini', 'inv-dir', 'missing.ini', 'latin1.yml').map(at),
  weird,
);
const extraVars = mostly(
  fc.constantFrom(
    'a=b',
    'a=',
    '=b',
    'a b',
    "a='b",
    '{"a": 1}',
    '{"a":',
    '{a: *x}',
    '{"__proto__": {"p": 1}}',
    `@${at('vars.yml')}`,
    `@${at('latin1.yml')}`,
    `@${at('missing.yml')}`,
    'pw=Xy{{Zq9!',
  ),
  weird,
);
const number = mostly(fc.constantFrom('0', '1', '50', '-1', '1.5', 'x', '99999999999999999999', ''), weird);
const outputFile = fc.constantFrom('r.json', 'nodir/r.json', 'retry').map(at);
const vaultFile = fc.constantFrom('pass.txt', 'pass.txt', 'pass.txt', 'blank.txt', 'missing.txt', 'retry').map(at);

// Non-interactive prompts only: where stdin is a terminal, -k/-K/-J would wait for a person.
const prompts = process.stdin.isTTY ? [] : ['-J', '--ask-vault-pass'];
const runPrompts = process.stdin.isTTY ? [] : ['-k', '-K', ...prompts];
const odd = fc.constantFrom('--help', '-h', '--bogus', '-z', '--', '-', '--inventory=', '--forks=0');

const pair = (names: string[], value: fc.Arbitrary<string>) => fc.tuple(fc.constantFrom(...names), value).map(([n, v]) => [n, v]);
const single = (names: string[]) => fc.constantFrom(...names).map((n) => [n]);

const validateOption = fc.oneof(
  { weight: 3, arbitrary: pair(['-i', '--inventory'], inventory) },
  { weight: 2, arbitrary: pair(['--vault-password-file'], vaultFile) },
  { weight: 1, arbitrary: prompts.length ? single(prompts) : single(['--help']) },
  { weight: 1, arbitrary: odd.map((o) => [o]) },
  { weight: 1, arbitrary: playbook.map((p) => [p]) },
);

const runOption = fc.oneof(
  { weight: 3, arbitrary: pair(['-e', '--extra-vars'], extraVars) },
  {
    weight: 2,
    arbitrary: pair(
      ['-l', '--limit'],
      mostly(fc.constantFrom('all', 'web', '!web', 'web:&db', `@${at('limit.txt')}`, `@${at('missing')}`, '@'), weird),
    ),
  },
  { weight: 2, arbitrary: pair(['-t', '--tags', '--skip-tags'], weird) },
  { weight: 2, arbitrary: pair(['-f', '--forks', '-T', '--timeout', '--connect-retries'], number) },
  { weight: 2, arbitrary: pair(['--report', '--retry-file'], outputFile) },
  { weight: 1, arbitrary: pair(['--vault-password-file'], vaultFile) },
  {
    weight: 3,
    arbitrary: single([
      '--check',
      '-C',
      '--diff',
      '-D',
      '--strict',
      '--no-color',
      '--accept-new-host-keys',
      '--no-host-key-checking',
      ...runPrompts,
    ]),
  },
  { weight: 1, arbitrary: pair(['-i', '--inventory'], inventory) },
  { weight: 1, arbitrary: odd.map((o) => [o]) },
);

const validateArgv = fc.tuple(playbook, fc.array(validateOption, { maxLength: 4 })).map(([first, rest]) => [first, ...rest.flat()]);
const runArgv = fc
  .tuple(playbook, inventory, fc.array(runOption, { maxLength: 6 }), fc.integer({ min: 0, max: 9 }))
  .map(([first, inv, rest, dice]) => [first, ...(dice > 0 ? ['-i', inv] : []), ...rest.flat()]);

/** fc.assert with this file's seed, reporting at most 3,000 characters. */
async function check<T>(property: fc.IAsyncProperty<T>, numRuns: number): Promise<void> {
  try {
    await fc.assert(property, { seed: SEED, numRuns });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(message.length > 3000 ? `${message.slice(0, 3000)}…` : message);
  }
}

/** Runs one command; fails unless it returns an exit code or throws a FleetError, within the time limit. */
async function expectCleanExit(command: (argv: string[], out: (s: string) => void) => Promise<number>, args: string[]): Promise<void> {
  resetVault();
  const shown = () => JSON.stringify(args.map((a) => a.slice(0, 200)));
  const started = performance.now();
  try {
    const code = await command(args, () => undefined);
    if (![0, 2, 3, 5].includes(code)) throw new Error(`unexpected exit code ${code} for ${shown()}`);
  } catch (err) {
    if (!(err instanceof FleetError)) throw new Error(`${String(err)} (not a FleetError) for ${shown()}`, { cause: err });
  }
  const ms = performance.now() - started;
  if (ms > HANG_MS) throw new Error(`hung: took ${Math.round(ms)} ms for ${shown()}`);
}

describe('fuzz: command-line arguments', () => {
  it('validate', async () => {
    await check(
      fc.asyncProperty(validateArgv, (args) => expectCleanExit(validateCommand, args)),
      250,
    );
  });

  it('run refuses --report or --retry-file naming a directory before it runs (found by this suite: EISDIR after the run)', async () => {
    for (const option of ['--report', '--retry-file']) {
      const err = await runCommand([at('play.yml'), '-i', at('empty.ini'), option, at('retry')], () => undefined).catch((e: unknown) => e);
      if (!(err instanceof FleetError) || !/is a directory, not a file/.test(err.message)) throw new Error(`${option}: ${String(err)}`);
    }
  });

  it('run (inventories without hosts: nothing connects)', async () => {
    await check(
      fc.asyncProperty(runArgv, (args) => expectCleanExit(runCommand, args)),
      300,
    );
  });
});
