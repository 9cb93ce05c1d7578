// The generated check-mode script (issue #13 item 4):
//   npx tsx test/checkgen/run.ts --seed S --count N [--nodes K] [--first 230] [--out DIR] [--only I]
// Boots the lab 'cgen' (clean nodes), and runs each case on its own node, K cases at once: starting
// state over SSH, --check, real run, then --check and real run again from the state it left. It
// compares every (host, task, item) status of each check with its real run, checks that --check
// changed nothing, and compares the end state the check predicted (seen by a stat in check mode)
// with the real one. Prints a summary and writes DIR/summary.json with every disagreement.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LAB_KEY_FILE, ARTIFACTS_URL, labUp, ensureArtifacts, type LabState } from '../../lab/index.ts';
import { engine } from '../e2e/support.ts';
import { generateCase, type GeneratedCase } from './generate.ts';
import type { Artifact } from './tasks.ts';
import { runCase, type CaseOutcome } from './runCase.ts';
import { APT_PACKAGES } from './tree.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '20' },
    nodes: { type: 'string', default: '5' },
    first: { type: 'string', default: '230' },
    out: { type: 'string' },
    only: { type: 'string' },
    'no-apt': { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const count = Number(values.count);
const nodes = Math.min(10, Number(values.nodes));
const outDir = values.out ?? path.join(os.tmpdir(), `checkgen-${seed}`);
mkdirSync(outDir, { recursive: true });
rmSync(path.join(outDir, 'outcomes.jsonl'), { force: true });

/** Small files the artifact server already has, with their sha256 (get_url sources). */
async function smallArtifacts(): Promise<Artifact[]> {
  const set = await ensureArtifacts();
  const rel = [
    'containerd/containerd.service',
    'runc/v1.1.5/runc.sha256sum',
    'cni/v1.1.1/cni-plugins-linux-amd64-v1.1.1.tgz.sha256',
    'apt/fleetplay-lab.fingerprint',
  ];
  return rel.map((p) => ({
    path: p,
    sha256: createHash('sha256')
      .update(readFileSync(path.join(set.dir, p)))
      .digest('hex'),
  }));
}

/** Runs a shell script on a node through OpenSSH (a session separate from fleetplay's). */
export function sshScript(lab: LabState, node: string, script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const n = lab.nodes.find((x) => x.name === node)!;
  const args = [
    '-o',
    'BatchMode=yes',
    '-o',
    `UserKnownHostsFile=${lab.knownHostsFile}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'LogLevel=ERROR',
    '-i',
    LAB_KEY_FILE,
    `root@${n.address}`,
    'sh -s',
  ];
  return new Promise((resolve) => {
    const child = spawn('ssh', args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(script);
  });
}

/** Gives a node the lab's flat apt repository (the kubernetes stand-in) and reads its index. */
async function prepareNode(lab: LabState, node: string): Promise<void> {
  const set = await ensureArtifacts();
  const key = readFileSync(path.join(set.dir, 'apt/fleetplay-lab.asc'), 'utf8');
  const list = '/etc/apt/sources.list.d/checkgen.list';
  const script = [
    'set -e',
    'mkdir -p /etc/apt/keyrings',
    `cat > /etc/apt/keyrings/checkgen.asc <<'EOF'\n${key}EOF`,
    `echo 'deb [signed-by=/etc/apt/keyrings/checkgen.asc] ${ARTIFACTS_URL}/apt/kubernetes/deb/ /' > ${list}`,
    `apt-get update -q -o Dir::Etc::sourcelist=${list} -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0 >/dev/null`,
    `apt-cache policy ${APT_PACKAGES.join(' ')} | grep -q Candidate`,
  ].join('\n');
  const r = await sshScript(lab, node, script);
  if (r.code !== 0) throw new Error(`preparing ${node} failed: ${r.stderr}`);
}

/** Writes a case's playbook and controller files; builds its archives with tar. */
function writeCase(c: GeneratedCase): string {
  const dir = path.join(outDir, c.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'playbook.yml'), c.playbook);
  writeFileSync(path.join(dir, 'setup.sh'), `${c.setup}\n`);
  for (const [rel, text] of Object.entries(c.files.files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  for (const [rel, members] of Object.entries(c.files.archives)) {
    const staging = path.join(dir, `${rel}.d`);
    for (const [m, text] of Object.entries(members)) {
      mkdirSync(path.dirname(path.join(staging, m)), { recursive: true });
      writeFileSync(path.join(staging, m), text);
    }
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    const t = spawnSync('tar', ['czf', path.join(dir, rel), '-C', staging, '--owner=0', '--group=0', '--mtime=@0', '.'], {
      encoding: 'utf8',
    });
    if (t.status !== 0) throw new Error(`tar: ${t.stderr}`);
  }
  return dir;
}

async function main(): Promise<void> {
  const lab = await labUp({ name: 'cgen', nodes, image: 'clean', first: Number(values.first), log: () => undefined });
  const names = lab.nodes.map((n) => n.name);
  const apt = !values['no-apt'];
  if (apt) await Promise.all(names.map((n) => prepareNode(lab, n)));
  const artifacts = await smallArtifacts();
  const indexes = values.only ? values.only.split(',').map(Number) : Array.from({ length: count }, (_, i) => i);
  const queue = indexes.map((i) => generateCase(seed, i, { artifactBase: ARTIFACTS_URL, artifacts, apt }));
  const outcomes: CaseOutcome[] = [];
  const started = Date.now();
  await Promise.all(
    names.map(async (node) => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const dir = writeCase(c);
        const o = await runCase({ lab, node, c, dir, engine, ssh: (s) => sshScript(lab, node, s), artifacts });
        outcomes.push(o);
        // Streamed as they come: a long run shows its disagreements before it ends.
        appendFileSync(path.join(outDir, 'outcomes.jsonl'), `${JSON.stringify(o)}\n`);
        const bad = o.phases.some((p) => p.status.mismatches.length || p.endState.length || p.checkChanged.length) || o.error;
        process.stdout.write(`${bad ? 'X' : '.'}${outcomes.length % 50 === 0 ? ` ${outcomes.length}\n` : ''}`);
      }
    }),
  );
  process.stdout.write('\n');
  const summary = summarize(outcomes, Date.now() - started);
  writeFileSync(path.join(outDir, 'summary.json'), `${JSON.stringify({ seed, count: indexes.length, ...summary, outcomes }, null, 2)}\n`);
  console.log(summary.lines.join('\n'));
  console.log(`details: ${path.join(outDir, 'summary.json')}`);
  process.exitCode = summary.disagreements > 0 ? 1 : 0;
}

function summarize(outcomes: CaseOutcome[], ms: number): { lines: string[]; disagreements: number } {
  let compared = 0;
  let agreed = 0;
  let unknown = 0;
  let endCompared = 0;
  let endAgreed = 0;
  let checkChanged = 0;
  let contentNotPredicted = 0;
  let afterUnknown = 0;
  const lines: string[] = [];
  for (const o of outcomes) {
    if (o.error) lines.push(`${o.name}: ERROR ${o.error}`);
    for (const p of o.phases) {
      compared += p.status.compared;
      agreed += p.status.agreed;
      unknown += p.status.unknowns.length;
      afterUnknown += p.status.afterUnknown?.length ?? 0;
      if (p.endCompared) endCompared++;
      if (p.endCompared && p.endState.length === 0) endAgreed++;
      if (p.checkChanged.length) checkChanged++;
      contentNotPredicted += p.contentNotPredicted.length;
      for (const m of p.status.mismatches) lines.push(`${o.name} [${p.phase}] ${m}`);
      for (const u of p.status.unknowns) lines.push(`${o.name} [${p.phase}] UNKNOWN ${u}`);
      for (const e of p.endState) lines.push(`${o.name} [${p.phase}] END ${e}`);
      for (const e of p.checkChanged) lines.push(`${o.name} [${p.phase}] CHECK CHANGED ${e}`);
    }
  }
  const disagreements = compared - agreed + (endCompared - endAgreed) + checkChanged + outcomes.filter((o) => o.error).length;
  lines.push(
    `cases ${outcomes.length} (${outcomes.length * 2} check/apply pairs) in ${(ms / 1000).toFixed(0)} s`,
    `statuses agreeing ${agreed}/${compared} (${((100 * agreed) / Math.max(1, compared)).toFixed(2)}%), unknown ${unknown} (${afterUnknown} later statuses the real run never reached, not compared)`,
    `end state agreeing ${endAgreed}/${endCompared} pairs (${contentNotPredicted} files predicted without content, compared by type and mode); check changed a node in ${checkChanged} pairs`,
  );
  return { lines, disagreements };
}

await main();
