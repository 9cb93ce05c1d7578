// Shared types of the containerd benchmark: scenarios, per-tool details and the results file.

/** The tools compared; `floor` is the raw ssh2 round trip, not a tool doing the job. */
export type Tool = 'fleetplay' | 'ansible' | 'pssh';

/**
 * The scenarios; pssh only has a fresh apply. `leftoverNoop` is fleetplay only: its no-op of the Ansible
 * playbook (bench/ansible/containerd.yml, unchanged) on the nodes Ansible's fresh apply just converged,
 * with an empty controller cache, as a new user's first run on a fleet another tool set up.
 */
export type ScenarioKey = 'fresh' | 'noop' | 'checkFresh' | 'checkConverged' | 'leftoverNoop';

/** Human names of the scenarios, in table order. */
export const SCENARIOS: Record<ScenarioKey, string> = {
  fresh: 'fresh apply',
  noop: 'converged no-op re-run',
  checkFresh: '--check on fresh nodes',
  checkConverged: '--check on converged nodes',
  leftoverNoop: "no-op of the Ansible playbook on Ansible's converged nodes",
};

/** One timed run of one tool. */
export interface ScenarioRun {
  tool: Tool;
  scenario: ScenarioKey;
  /** Wall time of the whole command, process start to exit. */
  wallMs: number;
  exitCode: number;
  /** Changed results summed over hosts (from the tool's own recap), when the tool reports it. */
  changed?: number;
  /** Failed results summed over hosts (ignored errors excluded), when the tool reports it. */
  failed?: number;
  /** Errors a tool was told to ignore (Ansible's check mode on fresh nodes: files earlier tasks would create). */
  ignored?: number;
  /** 1-minute load average just before the run (other work on the machine skews timings). */
  loadBefore: number;
  /** Share of the machine's CPU (all cores) busy during the run; absent in older results. */
  machineBusy?: number;
  /** Where the tool's output was kept. */
  log: string;
  /** fleetplay only: peak RSS, remote commands and per-task timings. */
  fleetplay?: FleetplayDetail;
}

/** What fleetplay's --report and /usr/bin/time tell about one run. */
export interface FleetplayDetail {
  /** Peak resident set of the control process (GNU time %M). */
  peakRssMiB: number;
  /** The control process's CPU time (user + system, GNU time %U + %S) divided by the hosts; absent in older results. */
  cpuMsPerHost?: number;
  /** The engine's own clock (report durationMs): from the first play to the end. */
  engineMs: number;
  /** Process start, TypeScript loading, parsing and validation, report writing: wall minus engine time. */
  overheadMs: number;
  /** With --profile: the busy CPU time in the V8 profiles and the top functions by self time. */
  profile?: { busyMs: number; top: Hotspot[] };
  /** Tasks per host (distinct task names with a result, gathering facts included). */
  tasksPerHost: number;
  /** Remote commands per host, summed over its results. */
  commandsPerHost: { min: number; max: number; mean: number };
  /** Per task, in run order: time from the first host starting it to the last host finishing it. */
  tasks: TaskTiming[];
}

/** One function of the controller in a CPU profile: its self time and share of the busy time. */
export interface Hotspot {
  fn: string;
  /** file:line (relative to the repository, or from node_modules/). */
  where: string;
  selfMs: number;
  /** Percent of the run's busy (not idle) CPU samples. */
  share: number;
}

/** One task of a fleetplay run, over all hosts. */
export interface TaskTiming {
  task: string;
  module: string;
  spanMs: number;
  /** Mean time one host spent in it (loop items added up). */
  meanHostMs: number;
  /** Remote commands per host (mean). */
  commandsPerHost: number;
}

/** The raw SSH floor: one ssh2 connection per host, then rounds of exec('true') on every host at once. */
export interface FloorResult {
  connectMs: number;
  rounds: number[];
  /** Mean of the rounds. */
  roundMs: number;
  /** The same rounds with ssh2's socket defaults (Nagle on): what a client that does not set TCP_NODELAY pays. */
  nagleRoundMs?: number;
}

/** The machine the benchmark ran on. */
export interface Machine {
  cores: number;
  memoryGiB: number;
  kernel: string;
  ansibleVersion: string;
  psshVersion: string;
  nodeVersion: string;
}

/** The results file, bench/results/<date>-<HHMM>-<N>-nodes.json. */
export interface BenchResults {
  date: string;
  nodes: number;
  command: string;
  machine: Machine;
  floor?: FloorResult;
  /** Peak RSS of `engine validate` (engine and playbook loaded, no host contacted): the fixed part of fleetplay's RSS. */
  fleetplayBaselineRssMiB?: number;
  /** What one booted lab node takes of the machine's memory (MemAvailable before and after the first boot, over the nodes). */
  labMemoryPerNodeMiB?: number;
  runs: ScenarioRun[];
  /** Other labs up at the start (their nodes compete for the same cores). */
  otherLabs: string[];
  notes: string[];
}
