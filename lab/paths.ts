// Where the lab keeps its images, labs and key on the host, and how nodes are named and addressed.
import { join } from 'node:path';
import { LabError, type LabImage } from './types.ts';

/** Root of the image cache; one finished directory per image. */
export const IMAGE_CACHE_DIR = '/var/cache/fleetplay/images';

/** Lock file that serialises image builds across processes. */
export const IMAGE_LOCK_FILE = '/var/cache/fleetplay/build.lock';

/** Root of everything the lab owns under /var/lib. */
export const LIB_DIR = '/var/lib/fleetplay';

/** Directory holding one sub-directory per lab. */
export const LABS_DIR = join(LIB_DIR, 'labs');

/** Lock file that serialises bringing labs up and down (address allocation, mounts). */
export const LABS_LOCK_FILE = join(LIB_DIR, 'labs.lock');

/** The shared client key every node authorises for root. */
export const LAB_KEY_FILE = join(LIB_DIR, 'lab_key');

/** Finished tree of upstream-shaped release artifacts (containerd, runc, CNI), built from Debian's binaries. */
export const ARTIFACTS_DIR = '/var/cache/fleetplay/artifacts';

/** Lock file that serialises artifact builds across processes. */
export const ARTIFACTS_LOCK_FILE = '/var/cache/fleetplay/artifacts.lock';

/** Loopback port of the one artifact server shared by every lab. */
export const ARTIFACTS_PORT = 8765;

/** Base URL of the artifact server, without a trailing slash; nodes share the host network, so it works inside them too. */
export const ARTIFACTS_URL = `http://127.0.0.1:${ARTIFACTS_PORT}`;

/** The running artifact server's record (PID, port, root). */
export const ARTIFACTS_SERVER_STATE = join(LIB_DIR, 'artifacts-server.json');

/** One JSON line per request the artifact server answered. */
export const ARTIFACTS_REQUEST_LOG = join(LIB_DIR, 'artifacts-requests.log');

/** The artifact server's own stdout/stderr (start-up failures). */
export const ARTIFACTS_SERVER_OUTPUT = join(LIB_DIR, 'artifacts-server.out');

/** Addresses 127.0.1.250-255 (indexes 250-255) are kept free for "nothing listens here" tests. */
export const FIRST_RESERVED_INDEX = 250;

/** The first index after the reserved ones: 127.0.2.0 onwards, for labs of hundreds of nodes. */
export const AFTER_RESERVED_INDEX = 256;

/** The largest address index: 127.0.254.255 (loopback's whole /8 is local on Linux). */
export const LAST_INDEX = 254 * 256 + 255;

/** The lab used when no name is given; its hosts are plainly node1..nodeN. */
export const DEFAULT_LAB_NAME = 'kube';

/** Cached directory of one image. */
export function imageDir(image: LabImage): string {
  return join(IMAGE_CACHE_DIR, image);
}

/** Checks a lab name is safe to use in paths, host names and machine names. */
export function checkLabName(name: string): void {
  if (!/^[a-z][a-z0-9]{0,19}$/.test(name)) {
    throw new LabError(`lab name '${name}' must be 1-20 lowercase letters/digits, starting with a letter`);
  }
}

/** Directory of one lab. */
export function labDir(name: string): string {
  return join(LABS_DIR, name);
}

/** Inventory host name of node k (1-based): node<k> for the default lab, <name>-<k> otherwise. */
export function hostName(lab: string, k: number): string {
  return lab === DEFAULT_LAB_NAME ? `node${k}` : `${lab}-${k}`;
}

/** systemd-nspawn machine name of node k. */
export function machineName(lab: string, k: number): string {
  return `fp-${lab}-${k}`;
}

/** The machine name of a node found only by its directory name (node<k> or <lab>-<k>). */
export function machineForHost(lab: string, host: string): string {
  const k = /(\d+)$/.exec(host)?.[1];
  return k === undefined ? '' : machineName(lab, Number(k));
}

/** Loopback address for an address index: 127.0.1.<index> below 256, then 127.0.2.0, 127.0.2.1, … */
export function nodeAddress(index: number): string {
  return `127.0.${1 + Math.floor(index / 256)}.${index % 256}`;
}

/** Per-node host directories: overlay layers, merged root, bind-mounted state dirs and the console log. */
export interface NodePaths {
  dir: string;
  upper: string;
  work: string;
  root: string;
  libContainerd: string;
  libDocker: string;
  consoleLog: string;
  pidFile: string;
}

/** Host paths of one node of a lab. */
export function nodePaths(lab: string, host: string): NodePaths {
  const dir = join(labDir(lab), 'nodes', host);
  return {
    dir,
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    root: join(dir, 'root'),
    libContainerd: join(dir, 'lib-containerd'),
    libDocker: join(dir, 'lib-docker'),
    consoleLog: join(dir, 'console.log'),
    pidFile: join(dir, 'pid'),
  };
}
