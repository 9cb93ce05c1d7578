// parallel-ssh's side of the benchmark: bench/pssh/containerd.sh sent on stdin to every node at once,
// one ssh per node, the floor for doing the real work. Fresh apply only (a plain script has no no-op or
// check mode).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { shellCommand } from '../engine/quote.ts';
import type { LabState } from '../lab/index.ts';
import { ROOT, sshOptions, type ArtifactUrls } from './setup.ts';
import { timedRun } from './timed.ts';
import type { ScenarioRun } from './types.ts';

/** Runs the script on every node of the lab at once (parallelism = number of nodes). */
export async function runPssh(lab: LabState, urls: ArtifactUrls, workDir: string): Promise<ScenarioRun> {
  const hosts = path.join(workDir, 'pssh-hosts');
  writeFileSync(hosts, lab.nodes.map((n) => `${n.address}\n`).join(''));
  const log = path.join(workDir, 'pssh-fresh.log');
  const remote = shellCommand(
    'env',
    `CONTAINERD_VERSION=${urls.containerdVersion}`,
    `CONTAINERD_URL=${urls.containerdUrl}`,
    `CONTAINERD_SHA_URL=${urls.containerdChecksumUrl}`,
    `RUNC_URL=${urls.runcUrl}`,
    `RUNC_SHA_URL=${urls.runcChecksumUrl}`,
    `CNI_URL=${urls.cniUrl}`,
    `CNI_SHA_URL=${urls.cniChecksumUrl}`,
    'bash',
    '-s',
  );
  const r = await timedRun({
    cmd: 'parallel-ssh',
    args: [
      '-h',
      hosts,
      '-p',
      String(lab.nodes.length),
      '-t',
      '0',
      '-o',
      path.join(workDir, 'pssh-out'),
      '-e',
      path.join(workDir, 'pssh-err'),
      ...sshOptions(lab).flatMap((o) => ['-O', o]),
      '-I',
      remote,
    ],
    cwd: ROOT,
    log,
    stdin: readFileSync(path.join(ROOT, 'bench/pssh/containerd.sh')),
  });
  const failed = (readFileSync(log, 'utf8').match(/\[FAILURE\]/g) ?? []).length;
  return {
    tool: 'pssh',
    scenario: 'fresh',
    wallMs: r.wallMs,
    exitCode: r.exitCode,
    failed,
    loadBefore: r.loadBefore,
    machineBusy: r.machineBusy,
    log,
  };
}
