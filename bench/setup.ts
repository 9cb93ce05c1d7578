// What the benchmark needs before anything is timed: Debian packages on this machine, python3-apt on
// the nodes (Ansible's apt module needs it), the artifact URLs every tool uses, and SSH options.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { LabState } from '../lab/index.ts';

/** Root of the repository. */
export const ROOT = path.resolve(import.meta.dirname, '..');

/** Where the python3-apt .debs pushed to the nodes are cached on this machine. */
const DEB_CACHE = '/var/cache/fleetplay/bench/debs';
const PYTHON_APT_DEBS = ['python3-apt', 'python-apt-common', 'distro-info-data'];

/** Installs what is missing of ansible-core (without the big `ansible` collection bundle), pssh and GNU time. */
export function ensureHostPackages(log: (l: string) => void): void {
  const wanted: Array<[binary: string, pkg: string]> = [
    ['/usr/bin/ansible-playbook', 'ansible-core'],
    ['/usr/bin/parallel-ssh', 'pssh'],
    ['/usr/bin/time', 'time'],
  ];
  const missing = wanted.filter(([bin]) => !existsSync(bin)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  log(`installing ${missing.join(' ')} from Debian`);
  aptGet(['install', '-y', '--no-install-recommends', ...missing]);
}

function aptGet(args: string[], cwd?: string): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) {
    // Stale or missing package lists are the usual cause; refresh them once and retry.
    spawnSync('apt-get', ['update', '-q'], { env, stdio: 'ignore' });
    r = spawnSync('apt-get', args, { cwd, env, encoding: 'utf8' });
  }
  if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed:\n${r.stderr}`);
}

/** The python3-apt .deb files (downloaded once from Debian's archive into the cache). */
function pythonAptDebs(): string[] {
  mkdirSync(DEB_CACHE, { recursive: true });
  const have = () => readdirSync(DEB_CACHE).filter((f) => f.endsWith('.deb'));
  const missing = PYTHON_APT_DEBS.filter((p) => !have().some((f) => f.startsWith(`${p}_`)));
  if (missing.length > 0) aptGet(['download', ...missing], DEB_CACHE);
  return have().map((f) => path.join(DEB_CACHE, f));
}

/** OpenSSH client options for the lab: its key, its known_hosts, strict host key checking. */
export function sshOptions(lab: LabState): string[] {
  return [
    `IdentityFile=${lab.keyFile}`,
    `UserKnownHostsFile=${lab.knownHostsFile}`,
    'StrictHostKeyChecking=yes',
    'BatchMode=yes',
    'User=root',
  ];
}

/** Runs one command on every node at once with ssh, feeding `stdin`; throws if any node fails. */
export async function sshAll(lab: LabState, command: string, stdin?: Buffer): Promise<void> {
  const opts = sshOptions(lab).flatMap((o) => ['-o', o]);
  const failures: string[] = [];
  await Promise.all(
    lab.nodes.map(
      (n) =>
        new Promise<void>((resolve) => {
          const p = spawn('ssh', [...opts, n.address, command], { stdio: ['pipe', 'ignore', 'pipe'] });
          let err = '';
          p.stderr.on('data', (d: Buffer) => (err += d.toString()));
          p.on('close', (code) => {
            if (code !== 0) failures.push(`${n.name}: exit ${code}: ${err.trim()}`);
            resolve();
          });
          p.stdin.end(stdin ?? Buffer.alloc(0));
        }),
    ),
  );
  if (failures.length > 0) throw new Error(`ssh failed on ${failures.length} nodes:\n${failures.join('\n')}`);
}

/** Installs python3-apt on every node from .debs pushed over ssh (untimed setup; no apt index on the nodes needed). */
export async function installPythonApt(lab: LabState): Promise<void> {
  const debs = pythonAptDebs();
  const tar = spawnSync('tar', ['-c', '-C', DEB_CACHE, ...debs.map((d) => path.basename(d))], { maxBuffer: 64 * 2 ** 20 });
  if (tar.status !== 0) throw new Error(`tar of ${DEB_CACHE} failed: ${tar.stderr.toString()}`);
  await sshAll(lab, 'd=$(mktemp -d) && tar -x -C "$d" && dpkg -i "$d"/*.deb >/dev/null && rm -rf "$d"', tar.stdout);
}

/** The release files every tool downloads: the lab's server, the versions of inventory/group_vars/kube.yml. */
export interface ArtifactUrls {
  containerdVersion: string;
  containerdUrl: string;
  containerdChecksumUrl: string;
  runcUrl: string;
  runcChecksumUrl: string;
  cniUrl: string;
  cniChecksumUrl: string;
}

/** Builds the URLs the way playbooks/group_vars/all.yml does, from the lab's inventory/group_vars/kube.yml. */
export function artifactUrls(): ArtifactUrls {
  const v = parseYaml(readFileSync(path.join(ROOT, 'inventory/group_vars/kube.yml'), 'utf8')) as Record<string, string>;
  const need = (k: string): string => {
    const x = v[k];
    if (typeof x !== 'string' || x === '') throw new Error(`inventory/group_vars/kube.yml has no ${k}`);
    return x;
  };
  const [cv, rv, nv] = [need('containerd_version'), need('runc_version'), need('cni_version')];
  const containerdUrl = `${need('containerd_download_base')}/v${cv}/containerd-${cv}-linux-amd64.tar.gz`;
  const cniUrl = `${need('cni_download_base')}/v${nv}/cni-plugins-linux-amd64-v${nv}.tgz`;
  return {
    containerdVersion: cv,
    containerdUrl,
    containerdChecksumUrl: `${containerdUrl}.sha256sum`,
    runcUrl: `${need('runc_download_base')}/v${rv}/runc.amd64`,
    runcChecksumUrl: `${need('runc_download_base')}/v${rv}/runc.sha256sum`,
    cniUrl,
    cniChecksumUrl: `${cniUrl}.sha256`,
  };
}

/** First line of a command's output ('' when it cannot run). */
export function versionOf(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]?.trim() ?? '';
}
