// The scratch tree a generated case works in, and a random starting state of it as a shell script.
import { shellQuote } from '../../engine/quote.ts';
import type { Rng } from './prng.ts';

/** Where every case's scratch tree lives on a node (removed before each case). */
export const SCRATCH = '/srv/cg';

/** Regular-file paths (relative to the case root) the tasks write, edit, stat and remove. */
export const FILES = ['a.conf', 'b.conf', 'sub/c.conf', 'new/d.conf', 'dl/got.txt', 'marker'] as const;
/** Directory paths the tasks create, remove and extract or download into. */
export const DIRS = ['sub', 'new', 'dl', 'ex'] as const;
/** Texts a file may hold at the start and that tasks may want (small, so matches happen). */
export const TEXTS = ['alpha=1\nbeta=2\n', 'alpha=1\nbeta=3\n# tail\n', 'gamma=9\n', ''] as const;
/** Modes files and directories may have at the start or be asked for. */
export const MODES = ['0644', '0600', '0755', '0640'] as const;
/** The units a case may write and drive (removed before each case), and one that never exists. */
export const UNITS = ['cg-a.service', 'cg-b.service'] as const;
/** A unit name no case ever writes. */
export const MISSING_UNIT = 'cg-missing.service';
/** Unit file texts: a long-running service, a oneshot that stays active, and one whose start fails. */
export const UNIT_TEXTS = [
  '[Unit]\nDescription=checkgen sleeper\n[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n',
  '[Unit]\nDescription=checkgen oneshot\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n',
  '[Unit]\nDescription=checkgen broken\n[Service]\nType=oneshot\nExecStart=/bin/false\n[Install]\nWantedBy=multi-user.target\n',
] as const;
/** Lab apt repository packages a case may install or remove (small, arch all, no dependencies). */
export const APT_PACKAGES = ['kubetail', 'kubectx'] as const;
/** Kernel modules: two built into the lab kernel and one that does not exist. */
export const KMODS = ['overlay', 'br_netfilter', 'cg_nosuchmod'] as const;

/** Shell lines that put a node back to neutral: no scratch tree, no case units, no case module files. */
export function resetScript(): string {
  const units = [...UNITS].join(' ');
  return [
    `systemctl stop ${units} 2>/dev/null || true`,
    `systemctl disable ${units} 2>/dev/null || true`,
    `rm -f ${[...UNITS].map((u) => `/etc/systemd/system/${u}`).join(' ')}`,
    'systemctl daemon-reload',
    `systemctl reset-failed ${units} 2>/dev/null || true`,
    `rm -f ${KMODS.map((m) => `/etc/modules-load.d/${m}.conf /etc/modprobe.d/${m}.conf`).join(' ')}`,
    `rm -rf ${SCRATCH}`,
  ].join('\n');
}

function writeFile(path: string, text: string, mode: string): string {
  return `printf %s ${shellQuote(text)} > ${shellQuote(path)} && chmod ${mode} ${shellQuote(path)}`;
}

/** A random starting state under `root` (and of the case units and packages), as shell lines. */
export function startingState(rng: Rng, root: string, opts: { apt: boolean }): string[] {
  const lines = [`mkdir -p ${shellQuote(root)}`];
  const isDir = new Set<string>();
  for (const d of DIRS) {
    const r = rng.next();
    // 'new' is usually missing: a parent directory that no earlier task may create.
    const presentP = d === 'new' ? 0.25 : 0.7;
    if (r < presentP) {
      lines.push(`mkdir -p ${shellQuote(`${root}/${d}`)} && chmod ${rng.pick(['0755', '0755', '0700'])} ${shellQuote(`${root}/${d}`)}`);
      isDir.add(d);
    } else if (r < presentP + 0.1) {
      lines.push(writeFile(`${root}/${d}`, 'not a directory\n', '0644'));
    }
  }
  for (const f of FILES) {
    const parent = f.includes('/') ? f.split('/')[0]! : '';
    if (parent && !isDir.has(parent)) continue;
    const r = rng.next();
    if (r < 0.45) continue;
    if (r < 0.55) lines.push(`mkdir -p ${shellQuote(`${root}/${f}`)}`);
    else lines.push(writeFile(`${root}/${f}`, rng.pick(TEXTS), rng.pick(MODES)));
  }
  if (rng.chance(0.2)) lines.push(`ln -s ${shellQuote(`${root}/a.conf`)} ${shellQuote(`${root}/ln`)}`);
  for (const u of UNITS) {
    if (!rng.chance(0.5)) continue;
    const path = `/etc/systemd/system/${u}`;
    lines.push(writeFile(path, rng.pick(UNIT_TEXTS.slice(0, 2)), '0644'), 'systemctl daemon-reload');
    if (rng.chance(0.4)) lines.push(`systemctl start ${u}`);
    if (rng.chance(0.3)) lines.push(`systemctl enable ${u} 2>/dev/null`);
    // A unit file changed on disk after systemd loaded it: it needs a daemon-reload.
    if (rng.chance(0.2)) lines.push(`printf '# edited\\n' >> ${path}`);
  }
  for (const m of KMODS) if (rng.chance(0.2)) lines.push(`echo ${m} > /etc/modules-load.d/${m}.conf`);
  if (opts.apt) {
    for (const p of APT_PACKAGES) {
      lines.push(
        rng.chance(0.5) ? `dpkg -s ${p} >/dev/null 2>&1 || apt-get install -y -q ${p} >/dev/null` : `apt-get remove -y -q ${p} >/dev/null`,
      );
    }
  }
  return lines;
}
