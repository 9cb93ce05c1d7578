// Runs a validated playbook over an inventory and returns the report. Connections are opened lazily
// (on a host's first command) and reused for the whole run.
import type { ResumePlan } from './resume.ts';
import { withoutSshOptions } from '../connection/sshJumpSpec.ts';
import { shellCommand } from '../quote.ts';
import { OMIT_TOKEN } from './omit.ts';
import { ansibleVersionVar } from './ansibleVersion.ts';
import path from 'node:path';
import pLimit from 'p-limit';
import { createConnection, type TransportOptions } from '../connection/index.ts';
import { selectHosts } from '../inventory/index.ts';
import { processSecrets, type Secrets } from '../secrets.ts';
import { renderString } from '../template/render.ts';
import { loadYamlFile } from '../yaml/load.ts';
import type { Inventory, PlayDef, Playbook, RunEvents, RunReport, TaskResult, Vars } from '../types.ts';
import { afterPlay, pendingFor, type PendingHandlers } from './pendingHandlers.ts';
import { playbookDefaults } from './playbookVars.ts';
import { createPredictedState } from './predicted.ts';
import { ReadAhead } from './readAhead.ts';
import { emptyCounters, type HostRun, type PlayVars } from './hostRun.ts';
import type { PlayRun } from './playRun.ts';
import { roleVariableLayers } from './roleVars.ts';
import { runPlay } from './runPlay.ts';
import { namespaceFacts } from './facts.ts';
import type { TagFilter } from './tags.ts';
import { assignOwn } from '../inventory/own-properties.ts';
import { createSlotStore } from '../stateSlots.ts';
import { controllerHost, LOCAL_NAMES } from './delegate.ts';
import type { BecomeDefaults } from './playRun.ts';
import { findStartTask, stepper, type StartAt, type StepPrompt } from './startAt.ts';
import { loggedConnection, reportOrigins, VERBOSE } from './verbose.ts';
import { sizeHeapForHosts } from '../memory.ts';

/** Options of one run (from the command line). */
export interface RunOptions {
  check: boolean;
  diff: boolean;
  forks: number;
  extraVars: Vars;
  tags: TagFilter;
  /** Hosts allowed by --limit (undefined: no limit). */
  limit?: Set<string>;
  transport: TransportOptions;
  becomePassword?: string;
  /** The run's secret values (the CLI's passwords, vault plaintexts); variables add theirs as they are read. */
  secrets?: Secrets;
  events: RunEvents;
  /** Set by the CLI on the first interrupt. */
  stopping(): boolean;
  /** Aborted by the CLI on the second interrupt: connections are closed, tasks in flight end. */
  abort?: AbortSignal;
  /** Handler notifications an earlier run of this playbook left pending; they are notified again. */
  pendingHandlers?: PendingHandlers;
  /** -u, --private-key, -c: the lowest level of the connection variables (any variable wins, as in Ansible). */
  connectionDefaults?: ConnectionDefaults;
  /** -b, --become-user, --become-method: below the become variables and keywords (as in Ansible). */
  becomeDefaults?: BecomeDefaults;
  /** --start-at-task: skip the tasks before the first one this name (or glob) matches (executor/startAt.ts). */
  startAtTask?: string;
  /** --step: asked before each task. */
  step?: StepPrompt;
  /** -v count (0 to 4): what results, commands and connections tell the events (executor/verbose.ts). */
  verbosity?: number;
  /** --resume: what the journal of a run whose controller died says is done (executor/resume.ts). */
  resume?: ResumePlan;
  /** --force-handlers (or ANSIBLE_FORCE_HANDLERS): a play's force_handlers keyword wins. */
  forceHandlers?: boolean;
}

/** The command line's connection defaults. */
export interface ConnectionDefaults {
  /** -u: ansible_user. */
  user?: string;
  /** --private-key: ansible_ssh_private_key_file. */
  privateKeyFile?: string;
  /** -c: ansible_connection (local, ssh; smart is ssh). */
  connection?: string;
}

/** Runs every play in order; hosts that fail or become unreachable leave the rest of the playbook. */
export async function runPlaybook(playbook: Playbook, inventory: Inventory, options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  sizeHeapForHosts(inventory.hosts.size);
  // Found before any host is contacted: a name that matches no task is an argument error (exit 4).
  const start = options.startAtTask !== undefined ? findStartTask(playbook, options.startAtTask) : undefined;
  const step = options.step ? stepper(options.step) : undefined;
  const verbosity = options.verbosity ?? 0;
  const quietCommands = { count: 0 };
  QUIET.set(options, quietCommands);
  const results: TaskResult[] = [];
  const events: RunEvents = {
    ...options.events,
    result: (r) => {
      results.push(r);
      options.events.result(r);
    },
  };
  const limit = pLimit(Math.max(1, options.forks));
  const hosts = new Map<string, HostRun>();
  const defaults = playbookDefaults(playbook, inventory);
  const secrets = options.secrets ?? processSecrets;
  secrets.add([options.transport.password, options.becomePassword]);
  secrets.scanAll([options.extraVars, ...defaults.values()]);
  const selectedEver = new Set<string>();
  const closeAll = () => void Promise.all([...hosts.values()].map((h) => h.conn.close()));
  options.abort?.addEventListener('abort', closeAll, { once: true });
  let stopped = false;
  const incomplete = new Set<string>();
  let pending = options.pendingHandlers ?? {};
  const runState = createSlotStore();
  const resume = options.resume;
  // --resume: hosts that failed before the controller died stay failed (recap, retry file, budget).
  for (const [name, status] of resume?.failed ?? []) {
    if (!inventory.hosts.has(name)) continue;
    const h = hostRun(name, inventory, hosts, options, defaults.get(name) ?? {});
    [h.status, h.attempted] = [status, true];
    h.counters[status]++;
    selectedEver.add(name);
  }
  try {
    for (const [index, play] of playbook.plays.entries()) {
      if (options.stopping() || stopped) break;
      if (resume && index < resume.play) continue;
      // --start-at-task: the plays before the start task's are not run at all.
      if (start && index < start.play) continue;
      const startAt: StartAt | undefined = start && index === start.play ? { task: start.task, reached: false } : undefined;
      const selected = selectHosts(inventory, play.hosts).filter((h) => !options.limit || options.limit.has(h));
      for (const h of selected) selectedEver.add(h);
      const playHosts = selected
        .map((name) => hostRun(name, inventory, hosts, options, defaults.get(name) ?? {}))
        // The play the controller died in keeps the hosts that failed in it: its batches are made as before.
        .filter((h) => h.status === 'active' || (resume?.play === index && resume.failedInPlay.has(h.name)));
      // `hosts: localhost` with no localhost in the inventory: Ansible's implicit localhost (the controller).
      if (namesImplicitLocalhost(play.hosts, inventory) && (!options.limit || options.limit.has('localhost'))) {
        const local = delegateHost('localhost', true, inventory, hosts, options, defaults);
        if (local.status === 'active' && !playHosts.includes(local)) playHosts.push(local);
        selectedEver.add('localhost');
      }
      for (const h of playHosts) [h.notified, h.carried] = [new Set(), new Set(pendingFor(pending, play, h.name))];
      events.playStart({ name: play.name, hosts: playHosts.map((h) => h.name), index });
      if (playHosts.length === 0) continue;
      if (verbosity >= VERBOSE.origins)
        reportOrigins(
          playbook,
          play,
          inventory,
          playHosts.map((h) => h.name),
          events,
        );
      const vars = playVars(play, playHosts, inventory, hosts, options);
      secrets.scanAll([play.vars, vars.varsFiles, ...playHosts.map((h) => h.inventoryVars), ...roleVariableLayers(play)]);
      const run: PlayRun = {
        play,
        hosts: playHosts,
        vars,
        check: options.check,
        diff: options.diff,
        tags: options.tags,
        limit,
        events,
        stopping: options.stopping,
        secrets,
        ...(options.becomePassword ? { becomePassword: options.becomePassword } : {}),
        ...(options.becomeDefaults ? { becomeDefaults: options.becomeDefaults } : {}),
        ...(startAt ? { startAt } : {}),
        ...(step ? { step } : {}),
        verbosity,
        quietCommands,
        playName: play.name,
        forceHandlers: play.forceHandlers ?? options.forceHandlers ?? false,
        modules: playbook.modules,
        runState,
        state: { fatal: false, incomplete },
        ...(resume?.play === index && resume.batchesDone > 0 ? { resumeBatchesDone: resume.batchesDone } : {}),
        delegate: (name, controller) => delegateHost(name, controller, inventory, hosts, options, defaults),
      };
      try {
        stopped = (await runPlay(run)) === 'stopped';
      } finally {
        pending = afterPlay(pending, play, playHosts);
      }
    }
  } finally {
    options.abort?.removeEventListener('abort', closeAll);
    await Promise.all([...hosts.values()].map((h) => h.conn.close()));
  }
  const recap: RunReport['recap'] = {};
  // A host only delegated to (the implicit localhost) ran no task of its own: no recap line, as in Ansible.
  for (const h of hosts.values()) if (selectedEver.has(h.name)) recap[h.name] = h.counters;
  return {
    playbook: playbook.file,
    check: options.check,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    recap,
    results,
    interrupted: options.stopping(),
    notRun: [...selectedEver].filter((h) => !hosts.get(h)?.attempted),
    incomplete: [...incomplete],
    pendingHandlers: pending,
    // A failure that meta: clear_host_errors cleared (the host went on) leaves it out, as Ansible's exit code does.
    failedHosts: [...hosts.values()]
      .filter((h) => selectedEver.has(h.name) && h.counters.failed > 0 && h.status !== 'active' && h.status !== 'ended')
      .map((h) => h.name),
  };
}

/** Playbook defaults without the ssh-argument options that choose which host keys to trust (-o UserKnownHostsFile). */
function untrustedSshArgs(defaults: Vars): Vars {
  const out = { ...defaults };
  for (const k of ['ansible_ssh_common_args', 'ansible_ssh_extra_args'] as const)
    if (typeof out[k] === 'string') out[k] = shellCommand(...withoutSshOptions(out[k], ['userknownhostsfile', 'globalknownhostsfile']));
  return out;
}

// -vvv: per run, the no_log tasks in flight (their commands are not shown); read where connections are made.
const QUIET = new WeakMap<RunOptions, { count: number }>();

/** The command line's connection defaults as the variables they stand for (below every other layer). */
function cliConnectionVars(d: ConnectionDefaults | undefined): Vars {
  if (!d) return {};
  return {
    // Under the names the connection reads last, so that either spelling in the inventory wins.
    ...(d.user !== undefined ? { ansible_ssh_user: d.user } : {}),
    ...(d.privateKeyFile !== undefined ? { ansible_private_key_file: d.privateKeyFile } : {}),
    // Ansible's `smart` picks ssh (fleetplay has no other remote transport).
    ...(d.connection !== undefined ? { ansible_connection: d.connection === 'smart' ? 'ssh' : d.connection } : {}),
  };
}

function hostRun(name: string, inventory: Inventory, hosts: Map<string, HostRun>, options: RunOptions, defaults: Vars): HostRun {
  let h = hosts.get(name);
  if (!h) {
    const inventoryVars = { ...defaults, ...inventory.hostVars(name) };
    // Which keys to trust is the operator's choice (inventory, -e), never the playbook's defaults.
    const { ansible_ssh_known_hosts_file: _ignored, ...trusted } = untrustedSshArgs(defaults);
    const connVars = { ...cliConnectionVars(options.connectionDefaults), ...trusted, ...inventory.hostVars(name), ...options.extraVars };
    const verbosity = options.verbosity ?? 0;
    const secrets = options.secrets ?? processSecrets;
    const detail = (level: number) => (text: string) => options.events.detail?.({ host: name, level, text: secrets.redact(text) });
    const transport =
      verbosity >= VERBOSE.connection
        ? { ...options.transport, debug: (_h: string, t: string) => detail(VERBOSE.connection)(t) }
        : options.transport;
    const opened = createConnection(name, connVars, transport);
    const conn = verbosity >= VERBOSE.commands ? loggedConnection(opened, secrets, detail(VERBOSE.commands), QUIET.get(options)) : opened;
    h = {
      name,
      inventoryVars,
      groups: inventory.groupsOf(name),
      facts: {},
      hostFacts: {},
      conn,
      readAhead: new ReadAhead(conn),
      status: 'active',
      notified: new Set(),
      carried: new Set(),
      counters: emptyCounters(),
      attempted: false,
      predicted: createPredictedState(),
      unknownVars: new Map(),
      maybeNotified: new Set(),
    };
    hosts.set(name, h);
  }
  return h;
}

/** Whether a play's host pattern names `localhost` as a term of its own while the inventory has no such host. */
export function namesImplicitLocalhost(pattern: string, inventory: Inventory): boolean {
  if (inventory.hosts.has('localhost')) return false;
  return pattern.split(/[,:]/).some((term) => term.trim() === 'localhost');
}

/** The state of a delegate: an inventory host's own, or the controller for the implicit localhost (executor/delegate.ts). */
function delegateHost(
  name: string,
  controller: boolean,
  inventory: Inventory,
  hosts: Map<string, HostRun>,
  options: RunOptions,
  defaults: Map<string, Vars>,
): HostRun {
  if (inventory.hosts.has(name)) return hostRun(name, inventory, hosts, options, defaults.get(name) ?? {});
  if (!controller && !LOCAL_NAMES.includes(name))
    // Ansible would try to connect to the name as given; fleetplay asks for an inventory entry (a typo would otherwise be dialled).
    throw new Error(`delegate_to: host '${name}' is not in the inventory (only localhost needs no entry)`);
  if (inventory.hosts.has('localhost')) return hostRun('localhost', inventory, hosts, options, defaults.get('localhost') ?? {});
  let h = hosts.get('localhost');
  if (!h) hosts.set('localhost', (h = controllerHost('localhost')));
  return h;
}

function playVars(play: PlayDef, playHosts: HostRun[], inventory: Inventory, hosts: Map<string, HostRun>, options: RunOptions): PlayVars {
  const groups: Record<string, string[]> = {};
  for (const g of inventory.groups.keys()) groups[g] = [];
  for (const h of inventory.hosts.keys()) for (const g of inventory.groupsOf(h)) (groups[g] ??= []).push(h);
  const varsFiles: Vars = {};
  for (const vf of play.varsFiles) {
    const file = renderString(vf.file, { ...play.vars, ...options.extraVars }, vf.location);
    // A refused file (FIFO, device, too large) is reported at the vars_files entry that named it.
    assignOwn(varsFiles, (loadYamlFile(path.resolve(play.baseDir, file), 'playbook', vf.location).value as Vars | null) ?? {});
  }
  // ansible_play_hosts and ansible_play_batch leave out the hosts that failed or became unreachable (Ansible's
  // removed hosts), read when a task's variables are made; ansible_play_hosts_all keeps every host of the play.
  const live = liveNames();
  const out: PlayVars = {
    playVars: play.vars,
    varsFiles,
    extraVars: options.extraVars,
    roles: [...(play.roles ?? [])],
    magic: {
      playbook_dir: play.baseDir,
      ansible_check_mode: options.check,
      ansible_version: ansibleVersionVar(),
      omit: OMIT_TOKEN,
      ansible_diff_mode: options.diff,
      ansible_play_hosts_all: playHosts.map((h) => h.name),
      ansible_play_name: play.name,
      groups,
      hostvars: hostvarsView(hosts),
    },
  };
  Object.defineProperty(out.magic, 'ansible_play_hosts', { enumerable: true, get: () => live(playHosts) });
  Object.defineProperty(out.magic, 'ansible_play_batch', { enumerable: true, get: () => live(out.batch ?? playHosts) });
  return out;
}

/**
 * The names of a list's hosts that have not failed or become unreachable. Every task's variables read it
 * (twice) on every host, so the answer is kept while no host of the list changed state: making a new
 * array each time cost hosts² garbage per task (a third of the controller's CPU at 200 hosts went to GC).
 */
function liveNames(): (list: HostRun[]) => readonly string[] {
  const memo = new WeakMap<HostRun[], { dead: string; names: readonly string[] }>();
  return (list) => {
    // Which hosts are out, as their positions: '' while none is (no allocation on the common path).
    let dead = '';
    for (let i = 0; i < list.length; i++) {
      const status = list[i]!.status;
      if (status === 'failed' || status === 'unreachable') dead += `${i},`;
    }
    const known = memo.get(list);
    if (known && known.dead === dead) return known.names;
    // Not frozen: task variables are read through proxies, which refuse a frozen target's properties.
    const names = list.filter((h) => h.status !== 'failed' && h.status !== 'unreachable').map((h) => h.name);
    memo.set(list, { dead, names });
    return names;
  };
}

/** `hostvars[name]`: a live view of each host's variables and facts. */
function hostvarsView(hosts: Map<string, HostRun>): Vars {
  const target: Vars = {};
  for (const name of hosts.keys()) target[name] = undefined;
  const read = (name: string): Vars | undefined => {
    const h = hosts.get(name);
    return h
      ? {
          ...h.inventoryVars,
          ...h.facts,
          ansible_facts: namespaceFacts(h.facts),
          ...h.includedVars,
          ...h.hostFacts,
          inventory_hostname: h.name,
        }
      : undefined;
  };
  return new Proxy(target, {
    get: (_t, k) => (typeof k === 'string' ? read(k) : undefined),
    getOwnPropertyDescriptor: (_t, k) =>
      typeof k === 'string' && hosts.has(k) ? { value: read(k), writable: true, enumerable: true, configurable: true } : undefined,
    has: (_t, k) => typeof k === 'string' && hosts.has(k),
    ownKeys: () => [...hosts.keys()],
  });
}
