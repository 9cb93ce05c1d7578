// Ansible's everyday options of `engine run` (issue #17 item 7): connection and become defaults, the
// listings, --start-at-task, --step, --syntax-check, -v levels, --flush-cache and --version. They are
// read here into run options; engine/cli/run.ts passes them to runPlaybook.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { FleetError } from '../errors.ts';
import { fileURLToPath } from 'node:url';
import { DEFAULT_VALIDATOR_DIR } from '../playbook/validatorCache.ts';
import type { ConnectionDefaults } from '../executor/runPlaybook.ts';
import type { BecomeDefaults } from '../executor/playRun.ts';
import type { StepAnswer, StepPrompt } from '../executor/startAt.ts';
import { str, type OptionSpec, type Parsed } from './args.ts';

// engine/bundle.ts's cache (DEFAULT_PATHS.cache), named here: importing bundle.ts would put the bundler's own
// source, which rewrites import.meta in what it reads, into the bundle it builds.
const BUNDLE_CACHE = fileURLToPath(new URL('../../node_modules/.cache/fleetplay/engine', import.meta.url));

/** The options, in parseArgs form. -v is counted by verbosityOf (parseArgs has no counted flags). */
export const extraRunOptions: OptionSpec = {
  user: { type: 'string', short: 'u' },
  'private-key': { type: 'string' },
  connection: { type: 'string', short: 'c' },
  become: { type: 'boolean', short: 'b' },
  'become-user': { type: 'string' },
  'become-method': { type: 'string' },
  'list-hosts': { type: 'boolean' },
  'list-tasks': { type: 'boolean' },
  'list-tags': { type: 'boolean' },
  'start-at-task': { type: 'string' },
  step: { type: 'boolean' },
  'syntax-check': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v', multiple: true },
  'flush-cache': { type: 'boolean' },
  'force-handlers': { type: 'boolean' },
  version: { type: 'boolean' },
};

/** Their help lines. */
export const extraRunHelp = `  -u, --user USER          remote user (ansible_user in the inventory wins, as in Ansible)
      --private-key FILE   SSH private key (ansible_ssh_private_key_file in the inventory wins)
  -c, --connection TYPE    local, ssh or smart (= ssh); ansible_connection in the inventory wins
  -b, --become             become another user (root) on the hosts; become keywords and variables win
      --become-user USER   the user to become (default root); become_user and ansible_become_user win
      --become-method M    sudo (default) or su; become_method and ansible_become_method win
      --list-hosts         print the hosts each play would run on (after --limit) and exit; contacts no host
      --list-tasks         print each play's tasks with their tags (after --tags/--skip-tags) and exit
      --list-tags          print each play's task tags and exit
      --start-at-task NAME  skip the tasks before the first whose name (or 'role : name') matches NAME,
                           a glob (*, ?, [..]); the plays before its play are not run
      --step               before each task ask "Perform task: NAME (N)o/(y)es/(c)ontinue:" (needs a terminal)
      --syntax-check       validate only, as 'engine validate' does, and exit (0 valid, 4 not); contacts no host
  -v, --verbose            more output, repeatable: -v each result's data (rc, stdout, stderr, …);
                           -vv also where each host's variables come from; -vvv also each command run on a
                           host; -vvvv also SSH details (address, port, user, key, host key check).
                           Secret values are redacted at every level
      --flush-cache        clear the controller's caches (compiled validators, the engine bundle) first
      --force-handlers     run notified handlers on hosts that failed too (or ANSIBLE_FORCE_HANDLERS=true);
                           a play's force_handlers keyword wins
      --version            print the version and exit`;

/** --force-handlers, else ANSIBLE_FORCE_HANDLERS (a boolean word, as Ansible reads it). */
export function forceHandlersOf(p: Parsed, env: Record<string, string | undefined> = process.env): boolean {
  if (p.values['force-handlers'] === true) return true;
  return ['1', 'true', 'yes', 'on', 'y', 't'].includes((env.ANSIBLE_FORCE_HANDLERS ?? '').trim().toLowerCase());
}

/** How many -v were given (-vvv counts 3). */
export function verbosityOf(p: Parsed): number {
  const v = p.values.verbose;
  return Array.isArray(v) ? v.length : v === true ? 1 : 0;
}

/** -u, --private-key, -c as run options; undefined when none was given. */
export function connectionDefaultsOf(p: Parsed): ConnectionDefaults | undefined {
  const connection = str(p, 'connection');
  if (connection !== undefined && !['local', 'ssh', 'smart'].includes(connection))
    throw new FleetError('arguments', `--connection ${connection}: fleetplay connects with local, ssh or smart (= ssh)`);
  const d: ConnectionDefaults = {};
  const user = str(p, 'user');
  const key = str(p, 'private-key');
  if (user !== undefined) d.user = user;
  if (key !== undefined) {
    if (!existsSync(key)) throw new FleetError('arguments', `--private-key ${key}: no such file`);
    d.privateKeyFile = key;
  }
  if (connection !== undefined) d.connection = connection;
  return Object.keys(d).length ? d : undefined;
}

/** -b, --become-user, --become-method as run options; undefined when none was given. */
export function becomeDefaultsOf(p: Parsed): BecomeDefaults | undefined {
  const method = str(p, 'become-method');
  if (method !== undefined && method !== 'sudo' && method !== 'su')
    throw new FleetError('arguments', `--become-method ${method}: fleetplay becomes another user through sudo or su`);
  const d: BecomeDefaults = {};
  if (p.values.become === true) d.become = true;
  const user = str(p, 'become-user');
  if (user !== undefined) d.user = user;
  if (method !== undefined) d.method = method;
  return Object.keys(d).length ? d : undefined;
}

/** The arguments of `engine validate` that --syntax-check stands for. */
export function syntaxCheckArgs(p: Parsed, playbook: string): string[] {
  const args = [playbook];
  const inventory = str(p, 'inventory');
  if (inventory) args.push('-i', inventory);
  for (const key of ['roles-path', 'vault-password-file'])
    for (const v of (p.values[key] as string[] | undefined) ?? []) args.push(`--${key}`, v);
  if (p.values['ask-vault-pass']) args.push('--ask-vault-pass');
  return args;
}

/** The caches --flush-cache clears: only directories under a `.cache/fleetplay` folder are ever removed. */
export const CACHE_DIRS = [
  { what: 'compiled schema validators', dir: DEFAULT_VALIDATOR_DIR },
  { what: 'engine bundle (rebuilt on the next start)', dir: BUNDLE_CACHE },
];

/** Removes the caches; returns one line saying what was cleared. fleetplay keeps no facts cache (facts are gathered each run). */
export function flushCaches(dirs: Array<{ what: string; dir: string }> = CACHE_DIRS): string {
  const cleared: string[] = [];
  for (const { what, dir } of dirs) {
    if (!dir.split(path.sep).join('/').includes('/.cache/fleetplay')) continue;
    if (existsSync(dir)) {
      rmSync(dir, { recursive: true, force: true });
      cleared.push(`${what} (${dir})`);
    }
  }
  const list = cleared.length ? cleared.join(', ') : 'nothing to clear';
  return `flush-cache: cleared ${list}; there is no facts cache (facts are gathered on every run)\n`;
}

/**
 * --step's question, asked on the terminal (stdin and stderr), as ansible-playbook asks it. Answers typed
 * ahead are kept for the next questions. Without a terminal nobody can answer: an argument error before
 * any host is contacted. Input closed (Ctrl-D) or Ctrl-C answers no: nothing more runs unasked.
 */
export function stepPrompt(
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): { ask: StepPrompt; close(): void } {
  if (!input.isTTY) throw new FleetError('arguments', '--step asks before each task and needs a terminal on stdin, which is not one');
  const rl = createInterface({ input, output, terminal: true });
  const typed: string[] = [];
  let waiting: ((line: string | undefined) => void) | undefined;
  let closed = false;
  const answer = (line: string | undefined): void => {
    const w = waiting;
    waiting = undefined;
    if (w) w(line);
    else if (line !== undefined) typed.push(line);
  };
  rl.on('line', answer);
  rl.on('close', () => {
    closed = true;
    answer(undefined);
  });
  // Ctrl-C at the question is the run's interrupt, as anywhere else (engine/cli/run.ts counts it).
  rl.on('SIGINT', () => {
    process.emit('SIGINT');
    answer(undefined);
  });
  const parse = (line: string | undefined): StepAnswer => {
    const a = (line ?? '').trim().toLowerCase();
    return a === 'y' || a === 'yes' ? 'yes' : a === 'c' || a === 'continue' ? 'continue' : 'no';
  };
  const ask: StepPrompt = (title) => {
    rl.setPrompt(`Perform task: ${title} (N)o/(y)es/(c)ontinue: `);
    rl.prompt();
    if (typed.length) {
      const line = typed.shift();
      output.write(`${line ?? ''}\n`);
      return Promise.resolve(parse(line));
    }
    if (closed) return Promise.resolve('no');
    return new Promise((resolve) => {
      waiting = (line) => resolve(parse(line));
    });
  };
  // Closed after the run: an open terminal would keep the process alive.
  return { ask, close: () => rl.close() };
}
