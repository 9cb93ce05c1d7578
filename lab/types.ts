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

/** Upstream version strings of the built release artifacts (containerd ascending). */
export interface ArtifactVersions {
  containerd: string[];
  runc: string;
  cni: string;
}

/** A finished release-artifact tree: its directory, the versions it holds and its signed apt repositories. */
export interface ArtifactSet {
  dir: string;
  versions: ArtifactVersions;
  apt: AptRepoSet;
}

/** The signed local apt repositories of an artifact tree (stand-ins for Docker's and Kubernetes' vendor repositories). */
export interface AptRepoSet {
  /** Full fingerprint (40 hex digits, uppercase) of the key that signs both repositories. */
  keyFingerprint: string;
  /** Fingerprint of a valid key that signs nothing, for "wrong key" tests. */
  otherKeyFingerprint: string;
  /** What the dists-style docker repository serves (suite bookworm, component stable). */
  dockerPackages: AptRepoPackage[];
  /** What the flat kubernetes repository serves. */
  kubernetesPackages: AptRepoPackage[];
}

/** One package of a lab apt repository, as its Packages index lists it. */
export interface AptRepoPackage {
  package: string;
  /** Debian version, e.g. 20.10.24+dfsg1-1+deb12u1+b6. */
  version: string;
  architecture: string;
  /** Path of the .deb relative to the repository root (the index's Filename field). */
  filename: string;
  sha256: string;
}

/** How one lab apt repository is laid out and described: dists/<suite>/<component>/ like Docker's, or flat like pkgs.k8s.io. */
export type AptRepoSpec = (AptRepoCommon & { kind: 'dists'; suite: string; component: string }) | (AptRepoCommon & { kind: 'flat' });

/** What both kinds of lab apt repository have. */
export interface AptRepoCommon {
  name: 'docker' | 'kubernetes';
  /** Repository root relative to the artifact tree (what a sources line's URI points at). */
  root: string;
  /** Debian packages (taken from the host's suite) the repository serves. */
  packages: string[];
  architectures: string[];
  origin: string;
  label: string;
  description: string;
}

/** One request the artifact server answered, as it logged it. */
export interface ArtifactRequest {
  /** ISO time the response finished. */
  time: string;
  method: string;
  /** Request path as sent, query string included. */
  path: string;
  status: number;
  /** File bytes sent: the file size for a completed GET, 0 for HEAD, errors and aborted downloads. */
  bytes: number;
}

/** Whether the one shared artifact server runs, and where. */
export interface ArtifactServerStatus {
  running: boolean;
  /** PID of the detached server; 0 when it does not run. */
  pid: number;
  url: string;
}

/** A failure of the lab itself (bad options, a collision, a node that did not boot). */
export class LabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabError';
  }
}
