// Tuned ansible-core's side of the benchmark: bench/ansible/containerd.yml with bench/ansible/ansible.cfg,
// forks = number of hosts, an inventory generated from the lab (its key and known_hosts), and the same
// artifact URLs as the other tools. Each run starts without SSH master connections (fleetplay also
// connects anew on every run) and closes the ones it opened.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LabState } from '../lab/index.ts';
import { ROOT, type ArtifactUrls } from './setup.ts';
import { timedRun } from './timed.ts';
import type { ScenarioKey, ScenarioRun } from './types.ts';

const ANSIBLE_DIR = path.join(ROOT, 'bench/ansible');

/** Writes an INI inventory (group `kube`) with the lab's connection settings and the artifact variables. */
export function ansibleInventory(lab: LabState, urls: ArtifactUrls, dir: string): string {
  mkdirSync(path.join(dir, 'group_vars'), { recursive: true });
  const vars = {
    containerd_version: urls.containerdVersion,
    containerd_url: urls.containerdUrl,
    containerd_checksum_url: urls.containerdChecksumUrl,
    runc_url: urls.runcUrl,
    runc_checksum_url: urls.runcChecksumUrl,
    cni_url: urls.cniUrl,
    cni_checksum_url: urls.cniChecksumUrl,
  };
  // JSON is YAML; Ansible reads group_vars/kube.yml beside the inventory.
  writeFileSync(path.join(dir, 'group_vars/kube.yml'), `${JSON.stringify(vars, null, 2)}\n`);
  const file = path.join(dir, 'hosts');
  writeFileSync(
    file,
    [
      '[kube]',
      ...lab.nodes.map((n) => `${n.name} ansible_host=${n.address}`),
      '',
      '[kube:vars]',
      'ansible_user=root',
      `ansible_ssh_private_key_file=${lab.keyFile}`,
      `ansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHostsFile}'`,
      '',
    ].join('\n'),
  );
  return file;
}

/** Runs bench/ansible/containerd.yml once (`--check` for the check scenarios). */
export async function runAnsible(scenario: ScenarioKey, inventory: string, forks: number, workDir: string): Promise<ScenarioRun> {
  const log = path.join(workDir, `ansible-${scenario}.log`);
  const check = scenario === 'checkFresh' || scenario === 'checkConverged';
  // Short: a unix socket path has at most 107 bytes.
  const controlDir = mkdtempSync(path.join(os.tmpdir(), 'fpcp-'));
  try {
    const r = await timedRun({
      cmd: 'ansible-playbook',
      args: [path.join(ANSIBLE_DIR, 'containerd.yml'), '-i', inventory, '--forks', String(forks), ...(check ? ['--check'] : [])],
      cwd: ANSIBLE_DIR,
      env: {
        ...process.env,
        ANSIBLE_CONFIG: path.join(ANSIBLE_DIR, 'ansible.cfg'),
        ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
        ANSIBLE_LOCAL_TEMP: path.join(workDir, 'ansible-tmp'),
        ANSIBLE_NOCOLOR: '1',
      },
      log,
    });
    const recap = parseRecap(readFileSync(log, 'utf8'));
    return {
      tool: 'ansible',
      scenario,
      wallMs: r.wallMs,
      exitCode: r.exitCode,
      ...recap,
      loadBefore: r.loadBefore,
      machineBusy: r.machineBusy,
      log,
    };
  } finally {
    closeMasters(controlDir);
  }
}

/** Sums `changed=`, `unreachable=` + `failed=`, and `ignored=` over the PLAY RECAP lines. */
export function parseRecap(output: string): { changed: number; failed: number; ignored: number } {
  const sum = { changed: 0, failed: 0, ignored: 0 };
  for (const m of output.matchAll(/^\S+\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+).*\signored=(\d+)/gm)) {
    sum.changed += Number(m[1]);
    sum.failed += Number(m[2]) + Number(m[3]);
    sum.ignored += Number(m[4]);
  }
  return sum;
}

// ControlPersist keeps a master per host after ansible-playbook exits; close them so the next run
// (and the next tool) starts from nothing.
function closeMasters(controlDir: string): void {
  for (const sock of readdirSync(controlDir)) {
    spawnSync('ssh', ['-o', `ControlPath=${path.join(controlDir, sock)}`, '-O', 'exit', 'ignored'], { stdio: 'ignore', timeout: 10_000 });
  }
  rmSync(controlDir, { recursive: true, force: true });
}
