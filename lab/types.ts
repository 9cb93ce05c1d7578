// Shared types of the lab: images, nodes and the recorded state of one lab.

/** Which node image to boot: a plain Debian node, or one with docker.io and a masked containerd (pre-migration). */
export type LabImage = 'clean' | 'legacy';

/** One booted node: its inventory name, its loopback address, its nspawn machine name, PID and merged root. */
export interface LabNode {
  name: string;
  address: string;
  machine: string;
  /** PID of the detached systemd-nspawn process; 0 until it has been started. */
  pid: number;
  root: string;
}

/** Everything recorded about one lab in its state.json. */
export interface LabState {
  name: string;
  image: LabImage;
  nodes: LabNode[];
  dir: string;
  inventoryFile: string;
  knownHostsFile: string;
  keyFile: string;
}

/** A line-oriented progress sink; the lab never prints on its own. */
export type LabLog = (line: string) => void;

/** The outcome of one finished child process, as data. */
export interface RunResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

/** A failure of the lab itself (bad options, a collision, a node that did not boot). */
export class LabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabError';
  }
}
