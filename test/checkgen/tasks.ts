// Random tasks over fleetplay's host-side modules, for the generated check-mode cases.
import type { Rng } from './prng.ts';
import { APT_PACKAGES, DIRS, FILES, KMODS, MISSING_UNIT, MODES, TEXTS, UNITS, UNIT_TEXTS } from './tree.ts';

/** One task as a plain mapping (serialised to YAML as is). */
export type Task = Record<string, unknown>;

/** A small artifact the lab's server has, with its sha256. */
export interface Artifact {
  path: string;
  sha256: string;
}

/** What the task generator knows about the lab and the case. */
export interface TaskEnv {
  root: string;
  artifactBase: string;
  artifacts: Artifact[];
  /** The case may use the apt module (its node has the lab repository). */
  apt: boolean;
}

/** Files the case writes on the controller beside its playbook (templates/, files/), and archives to build. */
export interface CaseFiles {
  files: Record<string, string>;
  /** files/<name>.tar.gz -> its members (path -> text). */
  archives: Record<string, Record<string, string>>;
}

/** Modules a task may call, with weights (apt and the archive ones are slower, so rarer). */
const KINDS: Array<[string, number]> = [
  ['file', 14],
  ['copy', 12],
  ['copysrc', 5],
  ['template', 6],
  ['lineinfile', 10],
  ['replace', 6],
  ['stat', 10],
  ['unitfile', 5],
  ['systemd', 8],
  ['apt', 3],
  ['get_url', 5],
  ['unarchive', 4],
  ['modprobe', 3],
  ['sysctl', 4],
  ['command', 6],
];

function weighted(rng: Rng, apt: boolean): string {
  const kinds = KINDS.filter(([k]) => apt || k !== 'apt');
  let r = rng.next() * kinds.reduce((s, [, w]) => s + w, 0);
  for (const [k, w] of kinds) if ((r -= w) < 0) return k;
  return 'file';
}

/** Builds the body (module call) of one random task; may add controller files to `out`. */
export function moduleCall(rng: Rng, env: TaskEnv, out: CaseFiles, index: number): { module: string; args: Task; extra?: Task } {
  const R = env.root;
  const anyFile = (): string => `${R}/${rng.pick(FILES)}`;
  const anyPath = (): string => (rng.chance(0.75) ? anyFile() : `${R}/${rng.pick([...DIRS, 'ln'])}`);
  const mode = (): Task => (rng.chance(0.35) ? { mode: rng.pick(MODES) } : {});
  switch (weighted(rng, env.apt)) {
    case 'file': {
      const state = rng.pick(['directory', 'absent', 'touch', 'file', 'link', 'directory']);
      const path = state === 'directory' ? (rng.chance(0.6) ? `${R}/${rng.pick(DIRS)}` : anyPath()) : anyPath();
      const link = state === 'link' ? { src: rng.pick([`${R}/a.conf`, '/etc/hostname']), ...(rng.chance(0.3) ? { force: true } : {}) } : {};
      return { module: 'file', args: { path, state, ...link, ...(state !== 'absent' && state !== 'link' ? mode() : {}) } };
    }
    case 'copy':
      return {
        module: 'copy',
        args: { dest: anyFile(), content: rng.pick(TEXTS), ...mode(), ...(rng.chance(0.15) ? { force: false } : {}) },
      };
    case 'copysrc': {
      const name = `s${index}.txt`;
      out.files[`files/${name}`] = rng.pick(TEXTS);
      const dest = rng.chance(0.3) ? `${R}/${rng.pick(DIRS)}/` : anyFile();
      return { module: 'copy', args: { src: name, dest, ...mode() } };
    }
    case 'template': {
      const name = `t${index}.hbs`;
      out.files[`templates/${name}`] = rng.pick([
        'alpha={{ val }}\nbeta=2\n',
        '# {{ inventory_hostname }}\ngamma={{ val }}\n',
        'gamma=9\n',
      ]);
      return { module: 'template', args: { src: name, dest: anyFile(), ...mode() } };
    }
    case 'lineinfile': {
      const absent = rng.chance(0.2);
      const line = rng.pick(['beta=2', 'beta=5', 'gamma=9', 'delta={{ val }}']);
      return {
        module: 'lineinfile',
        args: {
          path: anyFile(),
          ...(absent ? { state: 'absent' } : { line }),
          ...(rng.chance(0.5) ? { regexp: rng.pick(['^beta=', '^gamma', '^zzz']) } : {}),
          ...(!absent && rng.chance(0.4) ? { create: true } : {}),
          ...(!absent && rng.chance(0.2) ? { insertafter: rng.pick(['^alpha', 'EOF']) } : {}),
          ...mode(),
        },
      };
    }
    case 'replace':
      return {
        module: 'replace',
        args: { path: anyFile(), regexp: rng.pick(['^alpha=\\d+', 'beta', 'zzz']), replace: rng.pick(['alpha=7', 'BETA']), ...mode() },
      };
    case 'stat':
      return { module: 'stat', args: { path: anyPath() } };
    case 'unitfile':
      return { module: 'copy', args: { dest: `/etc/systemd/system/${rng.pick(UNITS)}`, content: rng.pick(UNIT_TEXTS) } };
    case 'systemd': {
      const name = rng.chance(0.2) ? MISSING_UNIT : rng.pick(UNITS);
      const state = rng.pick([undefined, 'started', 'stopped', 'restarted', 'stopped']);
      const enabled = rng.chance(0.35) ? { enabled: rng.chance(0.5) } : {};
      const args: Task = { name, ...(state ? { state } : {}), ...enabled, ...(rng.chance(0.4) ? { daemon_reload: true } : {}) };
      if (!state && !('enabled' in enabled)) args.state = 'started';
      if (rng.chance(0.2)) args.missing_ok = true;
      // A stop of a unit that may not exist, excused by a constant failed_when (issue #13's case).
      const extra = name === MISSING_UNIT && rng.chance(0.6) ? { failed_when: false } : undefined;
      return { module: 'systemd', args, ...(extra ? { extra } : {}) };
    }
    case 'apt':
      return { module: 'apt', args: { name: rng.pick(APT_PACKAGES), state: rng.pick(['present', 'absent']) } };
    case 'get_url': {
      // Only URLs the server has: check mode never requests the download URL (nor does Ansible's), so a
      // URL that would fail is predicted as a download.
      const a = rng.pick(env.artifacts);
      const url = `${env.artifactBase}/${a.path}`;
      const dest = rng.pick([`${R}/dl/`, `${R}/dl/got.txt`, `${R}/a.conf`, `${R}/new/got.txt`]);
      const sum = rng.chance(0.3) ? { checksum: `sha256:${rng.chance(0.8) ? a.sha256 : '0'.repeat(64)}` } : {};
      return { module: 'get_url', args: { url, dest, ...sum, ...mode(), ...(rng.chance(0.15) ? { force: true } : {}) } };
    }
    case 'unarchive': {
      const name = `arc${index}.tar.gz`;
      out.archives[`files/${name}`] = rng.chance(0.5)
        ? { 'x.conf': rng.pick(TEXTS), 'y/z.txt': rng.pick(TEXTS) }
        : { 'x.conf': rng.pick(TEXTS) };
      return { module: 'unarchive', args: { src: name, dest: rng.pick([`${R}/ex`, `${R}/sub`, `${R}/new`]) } };
    }
    case 'modprobe':
      return {
        module: 'modprobe',
        args: {
          name: rng.pick(KMODS),
          state: rng.pick(['present', 'present', 'absent']),
          ...(rng.chance(0.5) ? { persistent: rng.pick(['present', 'absent']) } : {}),
        },
      };
    case 'sysctl': {
      const absent = rng.chance(0.2);
      return {
        module: 'sysctl',
        args: {
          name: rng.pick(['net.ipv4.ip_forward', 'vm.swappiness', 'cg.custom_key']),
          ...(absent ? { state: 'absent' } : { value: rng.pick(['1', '0', '60']) }),
          sysctl_file: rng.pick([`${R}/sysctl.conf`, `${R}/new/sysctl.conf`, `${R}/sub/99-cg.conf`]),
          // Only the file: lab nodes share the host's network namespace, so live values are never set.
          reload: false,
        },
      };
    }
    default: {
      // Commands that succeed whatever the tree holds: check mode knows whether a guarded command
      // runs, never whether it would fail.
      const marker = `${R}/marker`;
      return rng.pick([
        { module: 'command', args: { cmd: `touch ${marker}`, creates: marker } },
        { module: 'command', args: { cmd: `rm -rf ${marker}`, removes: marker } },
        { module: 'command', args: { cmd: `cat ${R}/a.conf` }, extra: { changed_when: false, failed_when: false, check_mode: false } },
        { module: 'command', args: { cmd: 'true' }, extra: { changed_when: rng.chance(0.5) } },
      ]);
    }
  }
}
