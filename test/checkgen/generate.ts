// Generated check-mode cases: a seeded random starting state of a scratch tree plus a random playbook
// over the host-side modules, with when/failed_when/changed_when/loop/register. Pure: no I/O.
import { stringify } from 'yaml';
import { createRng, type Rng } from './prng.ts';
import { moduleCall, type Artifact, type CaseFiles, type Task } from './tasks.ts';
import { DIRS, FILES, KMODS, resetScript, SCRATCH, startingState, UNITS } from './tree.ts';

/** One generated case: what to run on the node first, the playbook, and its controller files. */
export interface GeneratedCase {
  /** c<seed>-<index>: also the scratch directory's name. */
  name: string;
  /** The case's scratch root on the node. */
  root: string;
  /** Shell script that resets the node and sets the starting state. */
  setup: string;
  /** The playbook's YAML text (hosts: all; run with --limit). */
  playbook: string;
  /** Controller files beside the playbook (templates/*.hbs, files/*) and archives to build. */
  files: CaseFiles;
  /** The modules the playbook calls, for coverage counts. */
  modules: string[];
}

/** The lab facts a case may use. */
export interface GenerateOptions {
  artifactBase: string;
  artifacts: Artifact[];
  /** Allow apt tasks (the node has the lab repository configured). */
  apt: boolean;
}

/** The `index`th case of `seed`: the same arguments always give the same case. */
export function generateCase(seed: number, index: number, options: GenerateOptions): GeneratedCase {
  const rng = createRng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const name = `c${seed}-${index}`;
  const root = `${SCRATCH}/${name}`;
  const useApt = options.apt && rng.chance(0.12);
  const out: CaseFiles = { files: {}, archives: {} };
  const tasks: Task[] = [];
  const registered: Array<{ name: string; module: string }> = [];
  const count = rng.int(3, 9);
  for (let i = 0; i < count; i++) {
    const call = moduleCall(rng, { root, artifactBase: options.artifactBase, artifacts: options.artifacts, apt: useApt }, out, i);
    const task: Task = { name: `t${i} ${call.module}`, [call.module]: call.args, ...(call.extra ?? {}) };
    addLoop(rng, task, call.module, call.args, root);
    addKeywords(rng, task, registered, call.extra !== undefined);
    if (call.module === 'stat' || rng.chance(0.25)) {
      task.register = `r${i}`;
      registered.push({ name: `r${i}`, module: call.module });
    }
    tasks.push(task);
  }
  // The generated tasks run in a block whose `always` observes the end state with stat: in check mode
  // stat reads through the predicted state, so the observer's content is the predicted end state.
  const body = [{ block: tasks, always: observeTasks(root, options.artifacts, copiedNames(out)) }];
  const play = {
    name: `checkgen ${name}`,
    hosts: 'all',
    gather_facts: false,
    vars: { val: rng.pick([1, 2]), flag: rng.chance(0.5) },
    tasks: body,
  };
  const setup = ['set -e', resetScript(), ...startingState(rng, root, { apt: useApt })].join('\n');
  const modules = [...new Set(tasks.map((t) => Object.keys(t).find((k) => !KEYWORDS.has(k)) ?? '?'))];
  return { name, root, setup, playbook: stringify([play]), files: out, modules };
}

/** Name prefix of the observer tasks (left out of the status comparison). */
export const OBSERVE = 'observe';

/** Where the observer writes the end state it saw (its copy diff in a check report holds the prediction). */
export function observeFile(root: string): string {
  return `${root}.end.json`;
}

/** Names of the controller files copied by `src` (a copy into a directory lands under that name). */
function copiedNames(out: CaseFiles): string[] {
  return Object.keys(out.files)
    .filter((k) => k.startsWith('files/'))
    .map((k) => k.slice('files/'.length));
}

/** Every path a case's tasks may create, change or remove. */
export function observedPaths(root: string, artifacts: Artifact[], copied: string[]): string[] {
  const rel = [...FILES, ...DIRS, 'ln', 'sysctl.conf', 'new/sysctl.conf', 'sub/99-cg.conf', 'new/got.txt'];
  for (const d of ['ex', 'sub', 'new']) rel.push(`${d}/x.conf`, `${d}/y`, `${d}/y/z.txt`);
  for (const a of artifacts) rel.push(`dl/${a.path.split('/').pop()}`);
  for (const name of copied) for (const d of DIRS) rel.push(`${d}/${name}`);
  const abs = rel.map((r) => `${root}/${r}`);
  return [
    ...abs,
    ...UNITS.map((u) => `/etc/systemd/system/${u}`),
    ...KMODS.flatMap((m) => [`/etc/modules-load.d/${m}.conf`, `/etc/modprobe.d/${m}.conf`]),
  ];
}

function observeTasks(root: string, artifacts: Artifact[], copied: string[]): Task[] {
  return [
    {
      name: `${OBSERVE} stat`,
      stat: { path: '{{ item }}', checksum_algorithm: 'sha256' },
      loop: observedPaths(root, artifacts, copied),
      register: 'cg_end',
    },
    { name: `${OBSERVE} write`, copy: { dest: observeFile(root), content: '{{ cg_end.results | to_json }}' } },
  ];
}

const KEYWORDS = new Set(['name', 'when', 'failed_when', 'changed_when', 'loop', 'register', 'ignore_errors', 'check_mode']);

/** Sometimes turns a one-path task into a loop over two paths ({{ item }}). */
function addLoop(rng: Rng, task: Task, module: string, args: Task, root: string): void {
  const key = module === 'file' || module === 'lineinfile' ? 'path' : module === 'copy' && 'content' in args ? 'dest' : undefined;
  if (!key || !rng.chance(0.2)) return;
  task.loop = [args[key], `${root}/${rng.pick(FILES)}`];
  args[key] = '{{ item }}';
}

/** Random when / failed_when / changed_when / ignore_errors, reading earlier registered results. */
function addKeywords(rng: Rng, task: Task, registered: Array<{ name: string; module: string }>, fixed: boolean): void {
  const stats = registered.filter((r) => r.module === 'stat');
  const r = rng.next();
  if (r < 0.12) task.when = rng.pick(['flag', 'not flag', 'val == 2']);
  else if (r < 0.35 && stats.length) {
    const s = rng.pick(stats).name;
    task.when = rng.pick([
      `${s}.stat.exists`,
      `not ${s}.stat.exists`,
      `${s}.stat.exists and ${s}.stat.isdir`,
      `${s}.stat.exists and ${s}.stat.mode == '0644'`,
    ]);
  } else if (r < 0.45 && registered.length) {
    task.when = `${rng.pick(registered).name} is ${rng.pick(['changed', 'succeeded', 'failed', 'skipped'])}`;
  }
  if (!fixed) {
    const f = rng.next();
    if (f < 0.08) task.failed_when = false;
    else if (f < 0.12 && stats.length) task.failed_when = `${rng.pick(stats).name}.stat.exists`;
    const c = rng.next();
    if (c < 0.08) task.changed_when = rng.chance(0.5);
  }
  if (rng.chance(0.45)) task.ignore_errors = true;
}
