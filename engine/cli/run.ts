// `engine run PLAYBOOK -i INVENTORY`: validate everything, then run it over the fleet.
import { limitHosts, loadInventory, selectHosts } from '../inventory/index.ts';
import { parseSlice, sliceHosts } from '../inventory/slice.ts';
import type { ResumePlan } from '../executor/resume.ts';
import { openJournal } from '../output/journal.ts';
import { journalFileFor, loadResume, mergePending, runIdentity } from './runResume.ts';
import { runPlaybook } from '../executor/runPlaybook.ts';
import { hostKeyPolicyForRun } from '../connection/hostKeyPolicy.ts';
import { consoleEvents, formatRecap } from '../output/console.ts';
import { withProgress } from '../output/progress.ts';
import { formatPlan } from '../output/plan.ts';
import { pendingFileFor, readPendingFile, writePendingFile } from '../output/pendingFile.ts';
import { exitCodeFor, retryHosts, writeReport, writeRetryFile } from '../output/report.ts';
import { shellQuote } from '../quote.ts';
import os from 'node:os';
import path from 'node:path';
import { loadPlaybook } from '../playbook/load.ts';
import { FleetError } from '../errors.ts';
import { commaList, int, list, parseCommand, str, type OptionSpec } from './args.ts';
import { parseExtraVars } from './extraVars.ts';
import { promptSecret } from './prompt.ts';
import { setUpVault, vaultHelp, vaultOptions } from './vaultPassword.ts';
import { processSecrets } from '../secrets.ts';
import { existsSync, statSync } from 'node:fs';
import { moduleRegistry } from '../../modules/index.ts';
import { sshConfigForRun } from '../connection/sshConfigRun.ts';
// Ansible's everyday options (issue #17 item 7): engine/cli/runExtras.ts, engine/cli/runListing.ts.
import {
  becomeDefaultsOf,
  connectionDefaultsOf,
  extraRunHelp,
  extraRunOptions,
  flushCaches,
  stepPrompt,
  syntaxCheckArgs,
  verbosityOf,
  forceHandlersOf,
} from './runExtras.ts';
import { formatListing } from './runListing.ts';
import { validateCommand } from './validate.ts';
import { findStartTask } from '../executor/startAt.ts';
import { versionLine } from '../version.ts';

/** Options of `run`. */
export const runOptions: OptionSpec = {
  inventory: { type: 'string', short: 'i' },
  check: { type: 'boolean', short: 'C' },
  diff: { type: 'boolean', short: 'D' },
  limit: { type: 'string', short: 'l' },
  forks: { type: 'string', short: 'f' },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
  tags: { type: 'string', short: 't', multiple: true },
  'skip-tags': { type: 'string', multiple: true },
  report: { type: 'string' },
  junit: { type: 'string' },
  'report-html': { type: 'string' },
  'accept-new-host-keys': { type: 'boolean' },
  'no-host-key-checking': { type: 'boolean' },
  timeout: { type: 'string', short: 'T' },
  'ask-pass': { type: 'boolean', short: 'k' },
  'ask-become-pass': { type: 'boolean', short: 'K' },
  'no-color': { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  strict: { type: 'boolean' },
  'retry-file': { type: 'string' },
  'connect-retries': { type: 'string' },
  'ssh-config': { type: 'string' },
  'roles-path': { type: 'string', multiple: true },
  slice: { type: 'string' },
  resume: { type: 'boolean' },
  ...vaultOptions,
  ...extraRunOptions,
};

/** Help text of `run`. */
export const runHelp = `Usage: engine run PLAYBOOK -i INVENTORY [options]

Runs a playbook over the hosts of an inventory. Everything is validated before any host is contacted.

Options:
  -i, --inventory FILE     inventory file or directory (Ansible INI or YAML)
  -C, --check              predict the changes; change nothing on any host
      --strict             with --check: exit 5 if any outcome is unknown (could not be predicted)
  -D, --diff               show what changes: file diffs, mode/owner, state
  -l, --limit PATTERN      narrow the hosts further (host patterns, or @file with one host per line)
      --slice I/N          run only slice I of N disjoint slices of the hosts (one process per slice, e.g.
                           a Kubernetes Indexed Job); a host's slice depends on its name alone, so it stays
                           put when hosts are added; serial batches and run_once apply within the slice.
                           Merge the slices' reports with 'engine report merge' (docs/slices.md)
  -f, --forks N            hosts worked on at once (default 50)
  -e, --extra-vars VARS    k=v pairs, @file.yml, or a JSON mapping; highest precedence; repeatable
  -t, --tags TAGS          run only tasks with these tags (comma separated, repeatable)
      --skip-tags TAGS     skip tasks with these tags
      --report FILE        write a JSON report of every result
      --report-html FILE   write one self-contained HTML page of the run: recap, problems and the retry
                           command, the plan (--check), a host × task grid, a timeline, the diffs
      --junit FILE         write JUnit XML for CI: a test case per host and task (loop items folded),
                           failures with their messages, skipped tasks as skipped
      --resume             continue the last run of this playbook whose controller died (kill -9, a lost
                           machine): finished plays and batches are not run again, the batch that was
                           running is re-checked, failed hosts stay failed, notified handlers still run
                           once. Every real run keeps a journal for this beside its retry file
      --retry-file FILE    where to write the hosts to retry (default ~/.fleetplay/retry/PLAYBOOK.retry);
                           handlers left pending go beside it (PLAYBOOK.handlers.json) and run next time.
                           A --check run writes neither.
      --roles-path DIRS    where roles are looked for (':'-separated, repeatable), before
                           ANSIBLE_ROLES_PATH or ansible.cfg's roles_path (after roles/ beside the playbook)
      --connect-retries N  retries of a failed SSH connect, with backoff, before unreachable (default 2)
      --ssh-config FILE    OpenSSH client config to read (default ~/.ssh/config if it exists; 'none': no
                           config); inventory variables win over it (docs/ssh-config.md)
      --accept-new-host-keys  trust and record host keys not yet in known_hosts
      --no-host-key-checking  do not verify host keys at all (only this flag or the inventory's
                           host_key_checking=false turns checking off; playbook vars and -e cannot)
  -T, --timeout SECONDS    SSH connect timeout (default 10); a connected host that stops answering
                           is unreachable after three missed keepalives, one every SECONDS/3
  -k, --ask-pass           prompt for the SSH password (or set FLEETPLAY_SSH_PASSWORD)
  -K, --ask-become-pass    prompt for the sudo password (or set FLEETPLAY_BECOME_PASSWORD)
${vaultHelp}
      --no-color           plain output (also when NO_COLOR is set or output is not a terminal)
      --no-progress        no live status area at the bottom of the terminal (there is none when
                           output is not a terminal, or TERM=dumb)
${extraRunHelp}

Exit codes: 0 all ok, 2 a host failed, 3 a host was unreachable (none failed),
            4 invalid playbook/inventory/arguments/variables (no host contacted),
            5 --check --strict left unknown outcomes, 130 interrupted.`;

/** Runs `engine run`; returns the exit code. */
export async function runCommand(
  argv: string[],
  print: (s: string) => void,
  control: (s: string) => void = (s) => void process.stdout.write(s),
): Promise<number> {
  // Everything the run prints goes through the redaction of the run's secret values.
  const secrets = processSecrets;
  const out = (s: string): void => print(secrets.redact(s));
  const p = parseCommand(argv, runOptions);
  if (p.values.help) {
    out(runHelp + '\n');
    return 0;
  }
  // ---- Ansible's everyday options (runExtras.ts): --version, --syntax-check and --flush-cache come first.
  if (p.values.version) {
    out(versionLine());
    return 0;
  }
  const [playbookFile, ...extra] = p.positionals;
  if (!playbookFile || extra.length) throw new FleetError('arguments', 'usage: engine run PLAYBOOK -i INVENTORY (see --help)');
  if (p.values['syntax-check']) return validateCommand(syntaxCheckArgs(p, playbookFile), out);
  if (p.values['flush-cache']) out(flushCaches());
  // ---- end of the everyday options' early block.
  const inventoryFile = str(p, 'inventory');
  if (!inventoryFile) throw new FleetError('arguments', 'an inventory is required: -i INVENTORY');

  // Validate everything first: nothing below this block touches a host.
  await setUpVault(p);
  const extraVars = parseExtraVars(list(p, 'extra-vars'));
  const inventory = loadInventory(inventoryFile);
  // An include_tasks file behind a `when` (a RedHat-only file) fails only if it is reached, as in Ansible; validate reports it.
  const playbook = loadPlaybook(playbookFile, moduleRegistry, { rolesPath: list(p, 'roles-path'), deferGuardedIncludes: true, extraVars });
  const limitPattern = str(p, 'limit');
  const limited = limitPattern ? new Set(limitHosts(inventory, selectHosts(inventory, 'all'), limitPattern)) : undefined;
  if (limited && limited.size === 0) throw new FleetError('arguments', `--limit ${limitPattern} matches no host of the inventory`);
  // --slice narrows like --limit, before plays pick their hosts: batches and run_once work within the slice.
  const sliceOption = str(p, 'slice');
  const slice = sliceOption !== undefined ? parseSlice(sliceOption) : undefined;
  const limit = slice ? new Set(sliceHosts(limited ? [...limited] : selectHosts(inventory, 'all'), slice)) : limited;
  // ---- Ansible's everyday options (runExtras.ts): the listings exit here; the rest become run options.
  const listing = { hosts: p.values['list-hosts'] === true, tasks: p.values['list-tasks'] === true, tags: p.values['list-tags'] === true };
  if (listing.hosts || listing.tasks || listing.tags) {
    const tags = { only: commaList(p, 'tags'), skip: commaList(p, 'skip-tags') };
    out(formatListing(playbook, playbookFile, inventory, listing, { ...(limit ? { limit } : {}), tags }));
    return 0;
  }
  const startAtTask = str(p, 'start-at-task');
  if (startAtTask !== undefined) findStartTask(playbook, startAtTask);
  const connectionDefaults = connectionDefaultsOf(p);
  const becomeDefaults = becomeDefaultsOf(p);
  const verbosity = verbosityOf(p);
  const wantsStep = p.values.step === true;
  if (wantsStep && !process.stdin.isTTY)
    throw new FleetError('arguments', '--step asks before each task and needs a terminal on stdin, which is not one');
  // ---- end of the everyday options' validation block.
  const check = p.values.check === true;
  const diff = p.values.diff === true;
  const connectTimeoutMs = int(p, 'timeout', 10) * 1000;
  const hostKeyFlags = {
    acceptNewHostKeys: p.values['accept-new-host-keys'] === true,
    noHostKeyChecking: p.values['no-host-key-checking'] === true,
  };
  const sshConfig = sshConfigForRun(str(p, 'ssh-config'), p.values.timeout !== undefined, out);
  const hostKeys = hostKeyPolicyForRun(playbook, inventory, { flags: hostKeyFlags, extraVars, ...(limit ? { limit } : {}) });
  const reportFile = str(p, 'report');
  if (reportFile) checkOutputDir(reportFile, '--report');
  const junitFile = str(p, 'junit');
  if (junitFile) checkOutputDir(junitFile, '--junit');
  const htmlFile = str(p, 'report-html');
  if (htmlFile) checkOutputDir(htmlFile, '--report-html');
  const password = p.values['ask-pass']
    ? await promptSecret('SSH password: ', '-k/--ask-pass', 'FLEETPLAY_SSH_PASSWORD')
    : process.env.FLEETPLAY_SSH_PASSWORD;
  const becomePassword = p.values['ask-become-pass']
    ? await promptSecret('BECOME password: ', '-K/--ask-become-pass', 'FLEETPLAY_BECOME_PASSWORD')
    : process.env.FLEETPLAY_BECOME_PASSWORD;
  secrets.add([password, becomePassword]);
  const color = !p.values['no-color'] && !process.env.NO_COLOR && process.stdout.isTTY === true;
  const retryFile =
    str(p, 'retry-file') ??
    path.join(
      process.env.FLEETPLAY_RETRY_DIR ?? path.join(os.homedir(), '.fleetplay', 'retry'),
      // Slices run side by side: each keeps its own retry (and pending-handler) file.
      `${path.basename(playbookFile).replace(/\.ya?ml$/, '')}${slice ? `.slice-${slice.index}-of-${slice.count}` : ''}.retry`,
    );
  if (str(p, 'retry-file')) checkOutputDir(retryFile, '--retry-file');
  const pendingFile = pendingFileFor(retryFile);
  let pendingHandlers: ReturnType<typeof readPendingFile>;
  try {
    pendingHandlers = readPendingFile(pendingFile);
  } catch (err) {
    throw new FleetError('arguments', (err as Error).message);
  }
  // The journal (real runs): what --resume continues after the controller died.
  const journalFile = journalFileFor(retryFile);
  const identity = check
    ? undefined
    : runIdentity(playbookFile, {
        inventory: path.resolve(inventoryFile),
        limit: limitPattern,
        slice: sliceOption,
        tags: commaList(p, 'tags'),
        skip: commaList(p, 'skip-tags'),
        extraVars: list(p, 'extra-vars'),
      });
  let resume: ResumePlan | undefined;
  if (p.values.resume === true) {
    if (check || !identity) throw new FleetError('arguments', '--resume continues a real run; it does not go with --check');
    const plan = loadResume(journalFile, playbook, identity);
    if (plan === 'finished') {
      out(`nothing to resume: the last run of ${playbookFile} (${journalFile}) finished\n`);
      return 0;
    }
    resume = plan;
    pendingHandlers = mergePending(pendingHandlers, plan.pending);
  }

  let interrupts = 0;
  const abort = new AbortController();
  const onSignal = (signal: string) => {
    interrupts++;
    if (interrupts === 1) {
      out(`\n${signal}: finishing tasks in flight, starting no new ones (press Ctrl-C again to abort them)\n`);
    } else if (interrupts === 2) {
      out(`\n${signal} again: aborting tasks in flight (files on hosts are replaced atomically, never half-written)\n`);
      abort.abort();
    }
  };
  const sigint = () => onSignal('SIGINT');
  const sigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  const step = wantsStep ? stepPrompt() : undefined; // after the password prompts: one reader of the terminal at a time
  const lines = consoleEvents({ diff, color, verbosity, write: out });
  // --step asks on the terminal: no status area drawn around its question.
  const live =
    process.stdout.isTTY === true && !p.values['no-progress'] && process.env.TERM !== 'dumb' && !step
      ? withProgress(lines, { write: out, control, columns: () => process.stdout.columns || 80 })
      : undefined;
  const journal = identity ? openJournal(journalFile, identity, live?.events ?? lines, resume !== undefined) : undefined;
  try {
    for (const warning of hostKeys.warnings) out(`${warning}\n`);
    const report = await runPlaybook(playbook, inventory, {
      check,
      diff,
      forks: int(p, 'forks', 50),
      extraVars,
      tags: { only: commaList(p, 'tags'), skip: commaList(p, 'skip-tags') },
      ...(limit ? { limit } : {}),
      transport: {
        connectTimeoutMs,
        connectRetries: int(p, 'connect-retries', 2, 0),
        ...(password ? { password } : {}),
        acceptNewHostKeys: hostKeyFlags.acceptNewHostKeys,
        hostKeys,
        ...sshConfig,
      },
      abort: abort.signal,
      ...(becomePassword ? { becomePassword } : {}),
      secrets,
      events: journal?.events ?? live?.events ?? lines,
      stopping: () => interrupts > 0,
      ...(resume ? { resume } : {}),
      pendingHandlers,
      // Ansible's everyday options (runExtras.ts).
      ...(connectionDefaults ? { connectionDefaults } : {}),
      ...(becomeDefaults ? { becomeDefaults } : {}),
      ...(startAtTask !== undefined ? { startAtTask } : {}),
      ...(step ? { step: step.ask } : {}),
      verbosity,
      forceHandlers: forceHandlersOf(p),
    });
    live?.stop();
    if (slice) report.slice = slice;
    out(formatRecap(report, color));
    const plan = check ? formatPlan(report) : undefined;
    if (plan) out(plan);
    if (reportFile) writeReport(reportFile, report, secrets);
    // Loaded only when asked for: a run without these files does not parse their code.
    if (junitFile) (await import('../output/junit.ts')).writeJunit(junitFile, report, secrets);
    // A check run changes nothing, so it leaves the retry and pending-handler files of the last real run alone.
    const retry = retryHosts(report);
    if (htmlFile) {
      const retryCommand =
        !check && retry.length
          ? `npx tsx engine run ${shellQuote(playbookFile)} -i ${shellQuote(inventoryFile)} --limit ${shellQuote(`@${retryFile}`)}`
          : undefined;
      (await import('../output/html/index.ts')).writeHtmlReport(htmlFile, report, secrets, {
        ...(plan ? { plan } : {}),
        ...(retryCommand ? { retryCommand } : {}),
      });
    }
    if (!check) {
      writeRetryFile(retryFile, retry);
      writePendingFile(pendingFile, report.pendingHandlers);
      if (retry.length)
        out(`retry file: ${retryFile} (${retry.length} host${retry.length === 1 ? '' : 's'}); resume with --limit @${retryFile}\n`);
      const waiting = Object.values(report.pendingHandlers).reduce((n, hosts) => n + Object.keys(hosts).length, 0);
      if (waiting)
        out(`handlers pending on ${waiting} host${waiting === 1 ? '' : 's'} (${pendingFile}): the next run of this playbook runs them\n`);
    }
    const code = exitCodeFor(report);
    // An interrupted run can be resumed like one whose controller died; a finished one cannot.
    if (!report.interrupted) journal?.end(code);
    const unknown = Object.values(report.recap).reduce((n, c) => n + c.unknown, 0);
    if (code === 0 && check && p.values.strict === true && unknown > 0) {
      out(`--strict: ${unknown} outcome${unknown === 1 ? '' : 's'} could not be predicted (see 'unknown' above)\n`);
      return 5;
    }
    return code;
  } finally {
    journal?.close();
    step?.close();
    live?.stop();
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
  }
}

/** A file the user named for output must go into an existing directory: a typo must not create directories. */
function checkOutputDir(file: string, option: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir)) throw new FleetError('arguments', `${option} ${file}: directory ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new FleetError('arguments', `${option} ${file}: ${dir} is not a directory`);
  // Found by the fuzz suite: a directory here failed only after the whole run, with EISDIR and a stack trace.
  if (existsSync(file) && statSync(file).isDirectory()) throw new FleetError('arguments', `${option} ${file} is a directory, not a file`);
}
