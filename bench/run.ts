// The containerd benchmark (not a test): fleetplay, tuned ansible-core and a parallel-ssh script doing
// the same migration on the same legacy lab nodes, plus the raw ssh2 floor. Every fresh scenario gets
// freshly booted nodes. Usage:
//   npm run bench -- [--nodes 10] [--tools fleetplay,ansible,pssh,floor] [--extra-vars k=v ...] [--profile]
// --profile runs fleetplay under V8's CPU profiler and lists its top functions (it costs some speed).
// --ansible-scenarios fresh,noop limits Ansible's runs (its fresh apply always runs) on large fleets.
// --extra-vars is passed to fleetplay's runs as -e (e.g. runtime_smoke_test=false: the playbook without
// its container health gate, which the Ansible and parallel-ssh sides do not have).
// Writes bench/results/<date>-<HHMM>-<N>-nodes[-profiled].json and .md (UTC), and prints the markdown.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { labDown, labStatus, labUp, type LabState } from '../lab/index.ts';
import { LABS_DIR } from '../lab/paths.ts';
import { ansibleInventory, runAnsible } from './ansible.ts';
import { baselineRssMiB, fleetplayInventory, runFleetplay } from './fleetplay.ts';
import { measureFloor } from './floor.ts';
import { runPssh } from './pssh.ts';
import { ratioToFleetplay, renderMarkdown } from './results.ts';
import { artifactUrls, ensureHostPackages, installPythonApt, ROOT, versionOf } from './setup.ts';
import { waitForQuiet } from './timed.ts';
import { SCENARIOS, type BenchResults, type ScenarioRun } from './types.ts';

const LAB = 'bench';
/** 127.0.1.101 up to 149 nodes (as before); a larger lab starts at 127.0.2.144, past the reserved 127.0.1.250-255. */
const firstAddress = (nodes: number): number => (nodes <= 149 ? 101 : 400);
const TOOLS = ['fleetplay', 'ansible', 'pssh', 'floor'] as const;

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '10' },
    tools: { type: 'string', default: TOOLS.join(',') },
    'extra-vars': { type: 'string', multiple: true, default: [] },
    profile: { type: 'boolean', default: false },
    'ansible-scenarios': { type: 'string', default: 'checkFresh,fresh,noop,checkConverged' },
  },
});
const profile = values.profile;
// Ansible at 100 nodes takes most of an hour for all four; its fresh apply always runs (it converges the nodes).
const ansibleScenarios = new Set(values['ansible-scenarios'].split(','));
const extraVars = values['extra-vars'];
const nodes = Number(values.nodes);
if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`--nodes must be a positive integer, got ${values.nodes}`);
const tools = new Set(values.tools.split(','));
for (const t of tools) if (!(TOOLS as readonly string[]).includes(t)) throw new Error(`unknown tool ${t}; known: ${TOOLS.join(', ')}`);
const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

const workDir = mkdtempSync(path.join(os.tmpdir(), 'fp-bench-'));
const urls = artifactUrls();
if (tools.has('ansible') || tools.has('pssh')) ensureHostPackages(log);
const results: BenchResults = {
  date: new Date().toISOString(),
  nodes,
  command: `npm run bench -- --nodes ${nodes}${values.tools === TOOLS.join(',') ? '' : ` --tools ${values.tools}`}${extraVars.map((e) => ` --extra-vars ${e}`).join('')}${profile ? ' --profile' : ''}${values['ansible-scenarios'] === 'checkFresh,fresh,noop,checkConverged' ? '' : ` --ansible-scenarios ${values['ansible-scenarios']}`}`,
  machine: {
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    ansibleVersion: versionOf('ansible-playbook', ['--version']),
    psshVersion: `parallel-ssh ${versionOf('parallel-ssh', ['--version'])}`,
    nodeVersion: process.version,
  },
  runs: [],
  otherLabs: await otherLabsUp(),
  notes: [],
};
if (results.otherLabs.length > 0) {
  results.notes.push(
    `Other labs were up when the benchmark started (${results.otherLabs.join(', ')}): their nodes and tests share the ${results.machine.cores} cores, so the figures are noisier than on an idle machine.`,
  );
}
log(`${nodes} nodes, tools ${[...tools].join(', ')}; logs in ${workDir}`);

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${sig}: taking lab ${LAB} down`);
    void labDown({ name: LAB, log }).finally(() => process.exit(130));
  });
}

const record = (r: ScenarioRun): void => {
  results.runs.push(r);
  const extra = [
    r.changed !== undefined ? `changed ${r.changed}` : '',
    r.failed ? `FAILED ${r.failed}` : '',
    r.exitCode !== 0 ? `exit ${r.exitCode} (see ${r.log})` : '',
  ];
  log(`${r.tool} ${SCENARIOS[r.scenario]}: ${(r.wallMs / 1000).toFixed(1)} s ${extra.filter(Boolean).join(', ')}`);
  if (r.exitCode !== 0) results.notes.push(`${r.tool} ${SCENARIOS[r.scenario]} exited ${r.exitCode}.`);
};

try {
  if (tools.has('floor') || tools.has('fleetplay') || tools.has('ansible')) {
    await onFreshLab('floor and --check on fresh nodes', async (lab, dir) => {
      if (tools.has('floor')) {
        await waitForQuiet();
        results.floor = await measureFloor(lab, 10);
        log(`floor: connect ${results.floor.connectMs} ms, ${results.floor.roundMs} ms per round`);
      }
      if (tools.has('fleetplay')) {
        const inventory = fleetplayInventory(lab, path.join(dir, 'fp'));
        results.fleetplayBaselineRssMiB = baselineRssMiB(inventory, dir);
        record(await runFleetplay('checkFresh', inventory, dir, extraVars, { profile }));
      }
      if (tools.has('ansible') && ansibleScenarios.has('checkFresh'))
        record(await runAnsible('checkFresh', ansibleInventory(lab, urls, path.join(dir, 'an')), nodes, dir));
    });
  }
  if (tools.has('fleetplay')) {
    await onFreshLab('fleetplay', async (lab, dir) => {
      const inventory = fleetplayInventory(lab, path.join(dir, 'fp'));
      for (const scenario of ['fresh', 'noop', 'checkConverged'] as const)
        record(await runFleetplay(scenario, inventory, dir, extraVars, { profile }));
    });
  }
  if (tools.has('ansible')) {
    await onFreshLab('ansible', async (lab, dir) => {
      const inventory = ansibleInventory(lab, urls, path.join(dir, 'an'));
      record(await runAnsible('fresh', inventory, nodes, dir));
      // fleetplay's first run on the fleet Ansible just set up: Ansible's playbook, its inventory, no cache.
      if (tools.has('fleetplay'))
        record(
          await runFleetplay('leftoverNoop', inventory, dir, [], { playbook: 'bench/ansible/containerd.yml', freshCache: true, profile }),
        );
      for (const scenario of ['noop', 'checkConverged'] as const)
        if (ansibleScenarios.has(scenario)) record(await runAnsible(scenario, inventory, nodes, dir));
    });
  }
  if (tools.has('pssh')) await onFreshLab('parallel-ssh', async (lab, dir) => record(await runPssh(lab, urls, dir)));
} finally {
  await labDown({ name: LAB, log });
}

const runs = results.runs.map((r) => ({ ...r, ratioToFleetplay: ratioToFleetplay(results, r) }));
// Date and UTC time (HHMM): two runs of one day no longer overwrite each other.
const base = path.join(
  ROOT,
  'bench/results',
  `${results.date.slice(0, 10)}-${results.date.slice(11, 16).replace(':', '')}-${nodes}-nodes${profile ? '-profiled' : ''}`,
);
mkdirSync(path.dirname(base), { recursive: true });
writeFileSync(`${base}.json`, `${JSON.stringify({ ...results, runs }, null, 2)}\n`);
const markdown = renderMarkdown(results, otherNodeCount());
writeFileSync(`${base}.md`, `${markdown}\n`);
console.log(markdown);
log(`written to ${path.relative(ROOT, base)}.json and .md`);

/** Boots lab `bench` afresh (down first: fresh overlays), installs python3-apt on its nodes, runs `fn`. */
async function onFreshLab(title: string, fn: (lab: LabState, dir: string) => Promise<void>): Promise<void> {
  if (interrupted) return;
  await labDown({ name: LAB, log });
  log(`fresh lab for ${title}`);
  const before = memAvailableMiB();
  const lab = await labUp({ name: LAB, nodes, image: 'legacy', first: firstAddress(nodes), log });
  await installPythonApt(lab);
  if (results.labMemoryPerNodeMiB === undefined) {
    await waitForQuiet();
    results.labMemoryPerNodeMiB = Number(((before - memAvailableMiB()) / nodes).toFixed(1));
    log(`a lab node takes ${results.labMemoryPerNodeMiB} MiB of memory`);
  }
  const dir = path.join(workDir, title.replace(/[^a-z]+/gi, '-'));
  mkdirSync(dir, { recursive: true });
  await fn(lab, dir);
}

/** MemAvailable of /proc/meminfo, in MiB. */
function memAvailableMiB(): number {
  const kib = Number(/^MemAvailable:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? Number.NaN);
  return kib / 1024;
}

async function otherLabsUp(): Promise<string[]> {
  if (!existsSync(LABS_DIR)) return [];
  const up: string[] = [];
  for (const name of readdirSync(LABS_DIR)) {
    if (name === LAB) continue;
    const st = await labStatus({ name }).catch(() => undefined);
    if (st?.running.some(Boolean)) up.push(`${name} (${st.nodes.length} nodes)`);
  }
  return up;
}

// The newest results file at another node count, for the scaling line.
function otherNodeCount(): BenchResults | undefined {
  const dir = path.join(ROOT, 'bench/results');
  const runs = readdirSync(dir)
    .filter((f) => /^\d{4}-\d\d-\d\d-(\d{4}-)?\d+-nodes\.json$/.test(f) && !f.endsWith(`-${nodes}-nodes.json`))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as BenchResults)
    .sort((a, b) => a.date.localeCompare(b.date));
  return runs.pop();
}
