// reboot (ansible.builtin.reboot): reboots the host, waits for it to go down and come back, and for
// test_command to succeed. As Ansible's action: it notes what boot_time_command prints, runs `shutdown
// -r <minutes> "<msg>"` (the program looked up in search_paths, not PATH), drops the connection and logs
// in again (engine Connection.reconnect, the host key checked every time) until boot_time_command prints
// something else, then runs test_command until it succeeds; each wait is limited by reboot_timeout.
// The result is `rebooted: true` and `elapsed` (seconds). Check mode reports changed and does nothing.
//
// Differs from Ansible: check mode looks up the shutdown program too, so a host without one fails in
// --check as in the real run (Ansible's check mode reads nothing); a host on the local connection (the
// controller) is refused rather than rebooted; connect_timeout limits each login's handshake and each
// command of the wait (without it: the run's --connect-timeout, and the task's timeout).
import {
  defineModule,
  read,
  readAll,
  type Decision,
  type ModuleHost,
  type ModuleView,
  type Probe,
  type Read,
} from '../../engine/module.ts';
import { UnreachableError } from '../../engine/errors.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome, ExecResult } from '../../engine/types.ts';
import { DEFAULTS, rebootSchema, type RebootArgs, type RebootChange } from './schema.ts';
import { realClock, waitForReboot, type Clock } from './wait.ts';

/** What the host said before the reboot: where the shutdown program is, and the boot time (real run only). */
interface Facts {
  shutdown: string;
  boot?: ExecResult;
}

/** The reboot command as given: its program and the rest of the line. */
function rebootCommand(args: RebootArgs): { program: string; rest?: string } {
  const given = args.reboot_command?.trim();
  if (!given) return { program: 'shutdown' };
  const at = given.search(/\s/);
  return at < 0 ? { program: given } : { program: given.slice(0, at), rest: given.slice(at).trim() };
}

/** A read that prints the first executable `program` in the search paths (or itself, when it is a path). */
export function findProgramCommand(program: string, paths: readonly string[]): string {
  const candidates = program.startsWith('/') ? [program] : paths.map((p) => `${p.replace(/\/+$/, '')}/${program}`);
  return `for p in ${candidates.map(shellQuote).join(' ')}; do if [ -x "$p" ] && [ ! -d "$p" ]; then printf '%s\\n' "$p"; exit 0; fi; done; exit 1`;
}

function* probe(args: RebootArgs, view: ModuleView): Probe<Facts> {
  const find: Read = { command: findProgramCommand(rebootCommand(args).program, args.search_paths ?? DEFAULTS.searchPaths) };
  if (view.check) return { shutdown: (yield* read(find)).stdout.trim() };
  const bootTime: Read = { command: args.boot_time_command ?? DEFAULTS.bootTimeCommand };
  const [found, boot] = yield* readAll([find, bootTime]);
  return { shutdown: found.stdout.trim(), boot };
}

function decide(args: RebootArgs, facts: Facts, view: ModuleView): Decision<RebootChange> {
  if (view.vars.ansible_connection === 'local')
    return { kind: 'failed', msg: 'reboot refuses the local connection: it would reboot the controller running this playbook' };
  const { program, rest } = rebootCommand(args);
  if (facts.shutdown === '') {
    const where = program.startsWith('/') ? '' : ` in search paths: ${(args.search_paths ?? DEFAULTS.searchPaths).join(', ')}`;
    return { kind: 'failed', msg: `Unable to find command "${program}"${where}`, data: { rebooted: false } };
  }
  if (facts.boot && (facts.boot.exitCode !== 0 || facts.boot.stdout.trim() === '')) {
    const why = facts.boot.stderr.trim() || `exit ${facts.boot.exitCode}, output '${facts.boot.stdout.trim()}'`;
    return { kind: 'failed', msg: `failed to read the boot time before the reboot: ${why}`, data: { rebooted: false } };
  }
  // Ansible: with reboot_command, its own arguments replace pre_reboot_delay and msg (a command line, as in shell).
  const minutes = Math.trunc((args.pre_reboot_delay ?? 0) / 60);
  const command = `${shellQuote(facts.shutdown)} ${rest ?? `-r ${minutes} ${shellQuote(args.msg ?? DEFAULTS.msg)}`}`;
  return {
    kind: 'change',
    msg: 'reboot the host',
    summary: [{ verb: 'reboot', object: 'the host', named: true }],
    ...(view.check ? { data: { rebooted: true, elapsed: 0 } } : {}),
    change: {
      command,
      bootId: facts.boot?.stdout.trim() ?? '',
      bootTimeCommand: args.boot_time_command ?? DEFAULTS.bootTimeCommand,
      testCommand: args.test_command ?? DEFAULTS.testCommand,
      rebootTimeout: args.reboot_timeout ?? DEFAULTS.rebootTimeout,
      ...(args.connect_timeout !== undefined ? { connectTimeout: args.connect_timeout } : {}),
      postRebootDelay: args.post_reboot_delay ?? 0,
    },
  };
}

/** Runs the reboot command, then waits for the host to come back (wait.ts). */
export async function reboot(c: RebootChange, host: ModuleHost, clock: Clock = realClock): Promise<ApplyOutcome> {
  const started = clock.now();
  if (!host.reconnect)
    return { kind: 'failed', msg: 'reboot needs a connection it can log in with again (not a delegated task)', data: { rebooted: false } };
  try {
    const r = await host.run(c.command);
    if (r.exitCode !== 0) {
      const why = `${r.stdout.trim()} ${r.stderr.trim()}`.trim() || `exit ${r.exitCode}`;
      return { kind: 'failed', msg: `Reboot command failed. Error was: ${why}`, data: { rebooted: false } };
    }
  } catch (err) {
    // The reboot may end the session before the command answers: that is the reboot starting.
    if (!(err instanceof UnreachableError)) throw err;
  }
  return waitForReboot(host, c, started, clock);
}

/** The reboot module (`ansible.builtin.reboot`). */
export const rebootModule = defineModule<RebootArgs, Facts, RebootChange>({
  name: 'reboot',
  summary: 'Reboot the host and wait until it is back and answers.',
  runsOn: 'host',
  schema: rebootSchema,
  probe,
  decide,
  apply: (c, host) => reboot(c, host),
});
