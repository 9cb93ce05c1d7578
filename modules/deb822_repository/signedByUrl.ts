// deb822_repository's signed_by given as a URL: as Ansible, the host fetches the key and keeps it in
// /etc/apt/keyrings/<slug>.asc (an armored key) or .gpg (binary), and Signed-By names that file.
//
// One read fetches the key (curl or wget on the host, to stdout: a read) together with the state of the
// keyrings directory and of both key files, so decide compares the bytes as Ansible does (sha256) and check
// mode predicts exactly. Ansible writes the key only when its bytes differ; it then makes the directory
// (0755, root) when missing and sets its attributes, and the key file is 0644 in every run. With
// `state: absent` Ansible removes both key files of the slug as well.
import { read, type ModuleHost, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome, DiffEntry, PredictedFile } from '../../engine/types.ts';
import { attributeDiffs } from '../lib/attributes.ts';
import { DOWNLOADER_PROBE, fetchCommand, NO_DOWNLOADER_EXIT, noDownloaderMessage } from '../lib/download.ts';
import { sha256 } from '../lib/fileContent.ts';
import { fileStateCommand, fromPredicted, parseFileState, type FileState } from '../lib/fileState.ts';
import { writeRemoteFile } from '../lib/writeFile.ts';

/** Where Ansible keeps the keys it fetches for Signed-By. */
export const KEYRINGS_DIR = '/etc/apt/keyrings';
const ARMOR = '-----BEGIN PGP PUBLIC KEY BLOCK-----';
/** Ansible's open_url default timeout (seconds). */
const FETCH_TIMEOUT_SEC = 10;

/** Ansible's slug of a repository name: lower case, runs of `_` and whitespace as `-`, then only [a-z0-9-]. */
export function repoSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[_\s]+/g, '-')
    .replace(/[^a-z0-9-]+/g, '');
}

/** The key file for a repository name and the key's form. */
export function keyFileFor(name: string, ext: 'asc' | 'gpg'): string {
  return `${KEYRINGS_DIR}/${repoSlug(name)}.${ext}`;
}

/** Whether signed_by is a URL (a scheme and `//`), which the host fetches. */
export function isKeyUrl(v: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(v);
}

/** What the key read found: the directory, both key files, the fetched bytes and the fetch's exit code. */
export interface KeyProbe {
  dir: FileState;
  asc: FileState;
  gpg: FileState;
  /** The text of an existing .asc (for the diff). */
  ascText: string;
  key: Buffer;
  fetchRc: number;
  stderr: string;
}

/** What the key needs: `write` (new bytes), `chmod` (mode only), `mkdir`/`fixDir` for the directory. */
export interface KeyPlan {
  file: string;
  url: string;
  content: Buffer;
  write: boolean;
  chmod: boolean;
  mkdir: boolean;
  fixDir: boolean;
  diff: DiffEntry[];
  /** The key file and (when made) the directory as check mode records them. */
  predicted: Array<[string, PredictedFile]>;
}

/** The read: the states, the .asc text, then the fetched key (base64) with its exit code on stderr. */
export function keyProbeCommand(name: string, url: string): string {
  const asc = keyFileFor(name, 'asc');
  return [
    fileStateCommand(KEYRINGS_DIR, false),
    "echo '--asc--'",
    fileStateCommand(asc, 'sha256'),
    "echo '--gpg--'",
    fileStateCommand(keyFileFor(name, 'gpg'), 'sha256'),
    "echo '--have--'",
    `if [ -f ${shellQuote(asc)} ]; then base64 -w0 < ${shellQuote(asc)}; fi`,
    'echo',
    "echo '--key--'",
    DOWNLOADER_PROBE,
    `{ ${fetchCommand(url, '-', { timeoutSec: FETCH_TIMEOUT_SEC, validateCerts: true })}; echo "fp_rc=$?" >&2; } | base64 -w0`,
  ].join('\n');
}

/** Parses keyProbeCommand's output. */
export function parseKeyProbe(stdout: string, stderr: string): KeyProbe {
  const part = (from: string, to: string): string => {
    const a = stdout.indexOf(`${from}\n`);
    const b = to === '' ? stdout.length : stdout.indexOf(`${to}\n`);
    return a < 0 ? '' : stdout.slice(a + from.length + 1, b < 0 ? stdout.length : b);
  };
  const rc = /fp_rc=(\d+)/.exec(stderr);
  return {
    dir: parseFileState(stdout.slice(0, Math.max(0, stdout.indexOf('--asc--\n')))),
    asc: parseFileState(part('--asc--', '--gpg--')),
    gpg: parseFileState(part('--gpg--', '--have--')),
    ascText: Buffer.from(part('--have--', '--key--').trim(), 'base64').toString('utf8'),
    key: Buffer.from(part('--key--', '').trim(), 'base64'),
    fetchRc: rc ? Number(rc[1]) : -1,
    stderr: stderr.replace(/fp_rc=\d+\n?/, '').trim(),
  };
}

/** The key read, through check mode's prediction of the directory and the key files. */
export function* probeKey(view: ModuleView, name: string, url: string): Probe<KeyProbe> {
  const r = yield* read({ command: keyProbeCommand(name, url) });
  if (r.exitCode !== 0) throw new Error(`cannot inspect ${KEYRINGS_DIR}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  const p = parseKeyProbe(r.stdout, r.stderr);
  if (!view.check) return p;
  const known = (path: string, probed: FileState): FileState => {
    const f = view.predicted.file(path);
    return f ? fromPredicted(f, 'sha256') : probed;
  };
  const ascPredicted = view.predicted.file(keyFileFor(name, 'asc'));
  return {
    ...p,
    dir: known(KEYRINGS_DIR, p.dir),
    asc: known(keyFileFor(name, 'asc'), p.asc),
    gpg: known(keyFileFor(name, 'gpg'), p.gpg),
    ascText: ascPredicted ? (ascPredicted.type === 'file' ? (ascPredicted.content ?? '') : '') : p.ascText,
  };
}

/** Decides the key (pure): a problem that fails the task, or what it needs (nothing when `write`, `chmod` and the dir flags are false). */
export function planKey(name: string, url: string, p: KeyProbe, host: string): { problem: string } | KeyPlan {
  if (p.fetchRc === NO_DOWNLOADER_EXIT) return { problem: noDownloaderMessage(host) };
  if (p.fetchRc !== 0) return { problem: `Could not fetch signed_by key: ${url}: ${p.stderr || `exit ${p.fetchRc}`}` };
  // Ansible would write the URL itself as Signed-By, which apt refuses: refused here instead.
  if (p.key.length === 0) return { problem: `Could not fetch signed_by key: ${url} returned no data` };
  const armored = p.key.includes(ARMOR);
  const file = keyFileFor(name, armored ? 'asc' : 'gpg');
  const now = armored ? p.asc : p.gpg;
  if (now.type === 'directory' || now.type === 'other') return { problem: `${file} exists and is not a regular file (${now.type})` };
  const checksum = sha256(p.key);
  const write = now.type !== 'file' || now.checksum !== checksum;
  if (write && p.dir.type !== 'absent' && p.dir.type !== 'directory' && p.dir.type !== 'link')
    return { problem: `${KEYRINGS_DIR} exists and is not a directory` };
  const mkdir = write && p.dir.type === 'absent';
  const dirWanted = { mode: '0755', owner: 'root', group: 'root' };
  const dirDiff = write && p.dir.type === 'directory' ? attributeDiffs(KEYRINGS_DIR, p.dir, dirWanted) : [];
  const modeDiff = !write && now.type === 'file' ? attributeDiffs(file, now, { mode: '0644' }) : [];
  const before = now.type !== 'file' ? '' : armored ? p.ascText : `(binary key, ${now.size} bytes, sha256 ${now.checksum ?? '?'})`;
  const after = armored ? p.key.toString('utf8') : `(binary key, ${p.key.length} bytes, sha256 ${checksum})`;
  const had = now.type === 'file' ? now : undefined;
  return {
    file,
    url,
    content: p.key,
    write,
    chmod: modeDiff.length > 0,
    mkdir,
    fixDir: dirDiff.length > 0,
    diff: [
      ...(mkdir ? [{ header: KEYRINGS_DIR, before: 'absent', after: 'directory' }] : []),
      ...dirDiff,
      ...(write ? [{ header: file, before, after }] : []),
      ...modeDiff,
    ],
    predicted: [
      ...(mkdir || dirDiff.length > 0 ? [[KEYRINGS_DIR, { type: 'directory', ...dirWanted }] as [string, PredictedFile]] : []),
      [
        file,
        {
          type: 'file',
          checksum,
          size: p.key.length,
          mode: '0644',
          owner: had?.owner ?? 'root',
          group: had?.group ?? 'root',
          ...(armored ? { content: p.key.toString('utf8') } : {}),
        },
      ],
    ],
  };
}

/** Whether the key plan changes anything. */
export function keyChanges(k: KeyPlan): boolean {
  return k.write || k.chmod || k.mkdir || k.fixDir;
}

/** Makes or fixes the keyrings directory, then writes the key atomically (0644) or sets its mode. */
export async function applyKey(k: KeyPlan, host: ModuleHost): Promise<ApplyOutcome | undefined> {
  const dir = shellQuote(KEYRINGS_DIR);
  const dirCmds = [
    ...(k.mkdir ? [`mkdir -m 0755 -- ${dir}`] : []),
    ...(k.mkdir || k.fixDir ? [`chown -- root:root ${dir}`, `chmod -- 0755 ${dir}`] : []),
    ...(k.chmod ? [`chmod -- 0644 ${shellQuote(k.file)}`] : []),
  ];
  if (dirCmds.length > 0) {
    const r = await host.run(dirCmds.join(' && '));
    if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot prepare ${k.file}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  }
  if (k.write) await writeRemoteFile(host, k.file, k.content, { mode: '0644' });
  return undefined;
}

/** state: absent: Ansible removes the slug's key files too. The read gives which exist. */
export function* probeKeyFiles(view: ModuleView, name: string): Probe<string[]> {
  const files = [keyFileFor(name, 'asc'), keyFileFor(name, 'gpg')];
  const r = yield* read({
    command: files.map((f) => `if [ -e ${shellQuote(f)} ] || [ -L ${shellQuote(f)} ]; then echo yes; else echo no; fi`).join('\n'),
  });
  const host = r.stdout.split('\n');
  return files.filter((f, i) => {
    const predicted = view.check ? view.predicted.file(f) : undefined;
    return predicted ? predicted.type !== 'absent' : host[i] === 'yes';
  });
}
