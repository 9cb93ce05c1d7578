// apt_repository's read: every one-line sources file Ansible loads (/etc/apt/sources.list and
// /etc/apt/sources.list.d/*.list), with mode, owner and text, in one command. In check mode what earlier
// tasks would leave in those files wins.
import { read, type ModuleView, type Probe } from '../../engine/module.ts';
import type { StateSlot } from '../../engine/types.ts';
import { SOURCES_DIR } from '../lib/aptUpdate.ts';

/** The file apt reads first. */
export const MAIN_LIST = '/etc/apt/sources.list';

/** One sources file: its text and attributes, or `other` when it is not a regular file. */
export type SourcesFile = { type: 'file'; text: string; mode: string; owner: string; group: string } | { type: 'other' };

/** What the probe found: sources files by path; `unknown` when check mode cannot read one. */
export interface SourcesFacts {
  files: Map<string, SourcesFile>;
  unknown?: string;
}

/**
 * The .list files earlier apt_repository tasks of this run are predicted to write (check mode): a file made
 * by an earlier task is not on the host yet, and the predicted state has no listing of a directory.
 */
export const PREDICTED_LISTS: StateSlot<Set<string>> = { name: 'apt_repository.lists', init: () => new Set<string>() };

/** The read: `@@ <base64 path>`, then `file <mode> <owner> <group>` and the base64 text, or `other`. */
export function sourcesCommand(): string {
  return [
    'export LC_ALL=C',
    `for f in ${MAIN_LIST} ${SOURCES_DIR}/*.list; do`,
    '  if [ ! -e "$f" ] && [ ! -L "$f" ]; then continue; fi',
    `  printf '@@ %s\\n' "$(printf '%s' "$f" | base64 -w0)"`,
    '  if [ -f "$f" ]; then',
    `    stat --printf 'file %a %U %G\\n' -- "$f" && base64 -w0 < "$f" || { printf 'cannot read %s\\n' "$f" >&2; exit 1; }`,
    '    echo',
    '  else echo other; fi',
    'done',
  ].join('\n');
}

/** Parses sourcesCommand's output. */
export function parseSources(stdout: string): Map<string, SourcesFile> {
  const files = new Map<string, SourcesFile>();
  for (const block of stdout.split(/^@@ /m).slice(1)) {
    const [name = '', head = '', body = ''] = block.split('\n');
    const path = Buffer.from(name.trim(), 'base64').toString('utf8');
    const m = /^file (\d+) (\S+) (\S+)$/.exec(head.trim());
    files.set(
      path,
      m
        ? {
            type: 'file',
            mode: (m[1] ?? '644').padStart(4, '0'),
            owner: m[2] ?? '',
            group: m[3] ?? '',
            text: Buffer.from(body.trim(), 'base64').toString('utf8'),
          }
        : { type: 'other' },
    );
  }
  return files;
}

/** Reads the sources files; in check mode earlier tasks' predicted files win, and files they add are included. */
export function* probeSources(view: ModuleView, target: string): Probe<SourcesFacts> {
  const r = yield* read({ command: sourcesCommand() });
  if (r.exitCode !== 0) throw new Error(`cannot read apt's sources: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  const host = parseSources(r.stdout);
  if (!view.check) return { files: host };
  const files = new Map<string, SourcesFile>();
  const paths = new Set([...host.keys(), ...view.predicted.slot(PREDICTED_LISTS), target]);
  for (const path of paths) {
    const p = view.predicted.file(path);
    if (p === undefined) {
      const h = host.get(path);
      if (h) files.set(path, h);
      continue;
    }
    if (p.type === 'absent') continue;
    if (p.type !== 'file') {
      files.set(path, { type: 'other' });
      continue;
    }
    if (p.content === undefined) return { files, unknown: `an earlier task changes ${path} in a way check mode cannot read` };
    files.set(path, { type: 'file', text: p.content, mode: p.mode ?? '0644', owner: p.owner ?? 'root', group: p.group ?? 'root' });
  }
  return { files };
}
