// deb822_repository: an apt source as /etc/apt/sources.list.d/<name>.sources, with Ansible's arguments.
//
// fleetplay's update_cache (default true, like apt_repository's): a new or changed source is fetched by
// `apt-get update` limited to that one source, from a temp copy, *before* the file is moved into place.
// So the cache knows the repository's packages in the same run, other sources are not fetched again,
// and a source apt cannot fetch or verify (unreachable URI, wrong Signed-By key) fails the task and
// leaves /etc/apt as it was. Removing a source deletes its file; apt drops its packages from the cache
// at its next run.
//
// Check mode predicts the file; the apt module then knows the sources changed and reports the packages
// it would install from them as unknown (their versions are known only after the real update).
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, read, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { DiffEntry, PredictedFile } from '../../engine/types.ts';
import { attributeDiffs, normalizeMode } from '../lib/attributes.ts';
import { DOWNLOADER_PROBE, fetchCommand } from '../lib/download.ts';
import { sha256 } from '../lib/fileContent.ts';
import { probeFileState, probeRemoteText, setPredictedFile, type FileState } from '../lib/fileState.ts';
import { modeSchema, wordListSchema } from '../lib/schemas.ts';
import { verifyUpload } from '../lib/writeFile.ts';
import {
  inReleaseUrls,
  renderSource,
  SIGNED_BY_PATTERN,
  sourceProblems,
  sourcesFileName,
  SOURCES_DIR,
  type Deb822Source,
} from './deb822.ts';

/** Seconds `apt-get update` may take for one source before the task fails. */
const UPDATE_TIMEOUT_MS = 300_000;

export const deb822RepositorySchema = {
  type: 'object',
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]*$' },
    types: { anyOf: [{ enum: ['deb', 'deb-src'] }, { type: 'array', items: { enum: ['deb', 'deb-src'] }, minItems: 1 }] },
    // Each is one line of the .sources file: a newline in an item would add a field of its own (`Trusted: yes`).
    uris: wordListSchema,
    suites: wordListSchema,
    components: wordListSchema,
    architectures: wordListSchema,
    languages: wordListSchema,
    // A keyring path is one line; an armored key block has lines (each written indented, as a continuation).
    signed_by: {
      type: 'string',
      minLength: 1,
      pattern: SIGNED_BY_PATTERN,
      description: 'an absolute keyring path on one line, or an armored public key block',
    },
    enabled: { type: 'boolean' },
    trusted: { type: 'boolean' },
    pdiffs: { type: 'boolean' },
    by_hash: { type: 'boolean' },
    state: { enum: ['present', 'absent'] },
    mode: modeSchema,
    update_cache: { type: 'boolean' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

export type Deb822RepositoryArgs = FromSchema<typeof deb822RepositorySchema>;

/** The source file as wanted (state present). */
interface Wanted {
  source: Deb822Source;
  text: string;
  mode: string;
  update: boolean;
}

/** What probe read. */
export type Deb822Facts =
  | { kind: 'absent'; file: string; state: FileState; before?: string }
  | { kind: 'problems'; file: string; problems: string[] }
  | { kind: 'present'; file: string; want: Wanted; state: FileState; fetchProblem?: string; before?: string };

/** What apply runs and reports; `predicted` is the state check mode records. */
export interface Deb822Change {
  command: string;
  stdin?: string;
  timeoutMs?: number;
  file: string;
  done: string;
  data: { dest: string; repo?: string };
  /** state present: failures are explained from apt-get update's output. */
  install: boolean;
  predicted: PredictedFile;
}

function sourceOf(args: Deb822RepositoryArgs): Deb822Source {
  const list = (v: string | readonly string[] | undefined): string[] =>
    (v === undefined ? [] : typeof v === 'string' ? v.split(/\s+/) : [...v]).filter(Boolean);
  const flags = { enabled: args.enabled, trusted: args.trusted, pdiffs: args.pdiffs, byHash: args.by_hash };
  return {
    name: args.name,
    types: args.types === undefined ? ['deb'] : list(args.types),
    uris: list(args.uris),
    suites: list(args.suites),
    components: list(args.components),
    architectures: list(args.architectures),
    languages: list(args.languages),
    ...(args.signed_by !== undefined ? { signedBy: args.signed_by } : {}),
    ...(Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) as Partial<Deb822Source>),
  };
}

function* probeRepository(args: Deb822RepositoryArgs, view: ModuleView): Probe<Deb822Facts> {
  const file = `${SOURCES_DIR}/${sourcesFileName(args.name)}`;
  if (args.state === 'absent') {
    const state = yield* probeFileState(view, file, false);
    if (state.type === 'absent' || state.type === 'directory') return { kind: 'absent', file, state };
    return { kind: 'absent', file, state, before: yield* probeRemoteText(view, file) };
  }
  const source = sourceOf(args);
  const problems = sourceProblems(source);
  if (problems.length > 0) return { kind: 'problems', file, problems };
  const want: Wanted = {
    source,
    text: renderSource(source),
    mode: normalizeMode(args.mode) ?? '0644',
    update: args.update_cache !== false,
  };
  const state = yield* probeFileState(view, file, 'sha256');
  if (state.type !== 'file' && state.type !== 'absent') return { kind: 'present', file, want, state };
  const same = state.type === 'file' && state.checksum === sha256(want.text);
  const attrs = state.type === 'file' ? attributeDiffs(file, state, { mode: want.mode, owner: 'root', group: 'root' }) : [];
  if (same && attrs.length === 0) return { kind: 'present', file, want, state };
  // Check mode asks the repository what the real run's `apt-get update` will: can it be fetched, and is it signed by the keyring?
  const problem = view.check && want.update && !same ? yield* probeFetchProblem(view, source) : undefined;
  if (problem) return { kind: 'present', file, want, state, fetchProblem: problem };
  const before = state.type === 'file' ? yield* probeRemoteText(view, file) : '';
  return { kind: 'present', file, want, state, before };
}

function decideRepository(args: Deb822RepositoryArgs, facts: Deb822Facts): Decision<Deb822Change> {
  const { file } = facts;
  const summary = [{ verb: '', object: 'deb822_repository change' }];
  if (facts.kind === 'problems') return { kind: 'failed', msg: `repository ${args.name}: ${facts.problems.join('; ')}` };
  if (facts.kind === 'absent') {
    const { state } = facts;
    if (state.type === 'absent') return { kind: 'ok', msg: `${file} is absent`, data: { dest: file } };
    if (state.type === 'directory') return { kind: 'failed', msg: `${file} is a directory`, data: { dest: file } };
    return {
      kind: 'change',
      msg: `remove ${file}`,
      summary,
      diff: [{ header: file, before: facts.before ?? '', after: '' }],
      data: { dest: file },
      change: {
        command: `rm -f -- ${shellQuote(file)}`,
        file,
        done: `removed ${file}`,
        data: { dest: file },
        install: false,
        predicted: { type: 'absent' },
      },
    };
  }
  const { want, state } = facts;
  const { text, mode } = want;
  const data = { dest: file, repo: text };
  if (state.type !== 'file' && state.type !== 'absent')
    return { kind: 'failed', msg: `${file} exists and is not a regular file (${state.type})`, data };
  const same = state.type === 'file' && state.checksum === sha256(text);
  const attrs: DiffEntry[] = state.type === 'file' ? attributeDiffs(file, state, { mode, owner: 'root', group: 'root' }) : [];
  if (same && attrs.length === 0) return { kind: 'ok', msg: `${file} is up to date`, data };
  if (facts.fetchProblem) return { kind: 'failed', msg: `${file} would not be changed: ${facts.fetchProblem}`, data };
  const verb = state.type === 'absent' ? 'add' : same ? 'fix attributes of' : 'update';
  const refresh = want.update && !same ? ' and fetch its indexes' : '';
  const done = verb === 'add' ? 'added' : verb === 'update' ? 'updated' : 'fixed attributes of';
  return {
    kind: 'change',
    msg: `${verb} ${file}${refresh}`,
    summary,
    diff: [...(same ? [] : [{ header: file, before: facts.before ?? '', after: text }]), ...attrs],
    data,
    change: {
      command: installScript(file, text, mode, want.update && !same),
      stdin: text,
      timeoutMs: UPDATE_TIMEOUT_MS,
      file,
      done: `${done} ${file}${refresh ? ' and fetched its indexes' : ''}`,
      data,
      install: true,
      predicted: { type: 'file', checksum: sha256(text), size: Buffer.byteLength(text), mode, owner: 'root', group: 'root', content: text },
    },
  };
}

/** The deb822_repository module. */
export const deb822RepositoryModule = defineModule<Deb822RepositoryArgs, Deb822Facts, Deb822Change>({
  name: 'deb822_repository',
  runsOn: 'host',
  schema: deb822RepositorySchema,
  probe: probeRepository,
  decide: decideRepository,
  async apply(change, host) {
    const r = await host.run(change.command, {
      ...(change.stdin !== undefined ? { stdin: change.stdin } : {}),
      ...(change.timeoutMs !== undefined ? { timeoutMs: change.timeoutMs } : {}),
    });
    if (!change.install)
      return r.exitCode === 0 ? { kind: 'changed', msg: change.done, data: change.data } : { kind: 'failed', msg: r.stderr.trim() };
    if (r.exitCode !== 0) {
      const why = aptUpdateErrors(`${r.stdout}\n${r.stderr}`) || r.stderr.trim() || `exit ${r.exitCode}`;
      return { kind: 'failed', msg: `${change.file} was not changed: ${why}`, data: change.data };
    }
    return { kind: 'changed', msg: change.done, data: change.data };
  },
  predict(decision, predicted) {
    if (decision.kind === 'change') setPredictedFile(predicted, decision.change.file, decision.change.predicted);
  },
});

/**
 * Writes the source to a temp directory beside /etc/apt, optionally runs `apt-get update` for that source
 * alone (other sources' lists are kept, no package cache is written), then renames it into place.
 */
export function installScript(file: string, text: string, mode: string, update: boolean): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const update822 = [
    'apt-get -q',
    '-o Dir::Etc::SourceList="$d/$b"',
    '-o Dir::Etc::SourceParts=-',
    '-o APT::Get::List-Cleanup=0',
    '-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=',
    // Without it a source that cannot be fetched is only a warning and apt-get exits 0.
    '-o APT::Update::Error-Mode=any',
    'update',
  ].join(' ');
  return [
    'set -e',
    'export LC_ALL=C',
    `b=${shellQuote(base)}`,
    `mkdir -p ${shellQuote(SOURCES_DIR)}`,
    'd=$(mktemp -d /etc/apt/.fleetplay.XXXXXX)',
    `trap 'rm -rf -- "$d"' EXIT`,
    'cat > "$d/$b"',
    ...verifyUpload('"$d/$b"', text),
    `chmod ${mode} "$d/$b"`,
    ...(update
      ? [`${update822} >"$d/update.log" 2>&1 || { grep -E '^(E|W|Err):' "$d/update.log" >&2 || cat "$d/update.log" >&2; exit 100; }`]
      : []),
    `mv -f -- "$d/$b" ${shellQuote(file)}`,
  ].join('\n');
}

/**
 * Check mode: fetches each InRelease the update would (a read, to stdout) and, when the Signed-By keyring
 * is already on the host (not only predicted), verifies it with gpgv. Returns why the update would fail.
 */
function* probeFetchProblem(view: ModuleView, source: Deb822Source): Probe<string | undefined> {
  const urls = inReleaseUrls(source).filter((u) => /^(https?|ftp):\/\//i.test(u));
  if (urls.length === 0) return undefined;
  const key = source.signedBy;
  const verify = key?.startsWith('/') && key.endsWith('.gpg') && view.predicted.file(key) === undefined ? key : undefined;
  const r = yield* read({ command: fetchProbeCommand(urls, verify) });
  for (const line of r.stdout.split('\n')) {
    const m = /^(unreachable|badsig) (\d+) ?(.*)$/.exec(line);
    if (!m) continue;
    const url = urls[Number(m[2])] ?? '';
    return m[1] === 'badsig'
      ? `${url} is not signed by a key in ${verify} (gpgv: ${m[3]})`
      : `apt could not fetch ${url}: ${m[3] || 'download failed'}`;
  }
  return undefined;
}

/** The read-only probe probeFetchProblem runs: one `ok|unreachable|badsig <i> <detail>` line per URL. */
export function fetchProbeCommand(urls: string[], keyring: string | undefined): string {
  const lines = ['export LC_ALL=C', DOWNLOADER_PROBE, 'if [ -z "$FP_TOOL" ]; then exit 0; fi'];
  urls.forEach((url, i) => {
    const fetch = fetchCommand(url, '-', { timeoutSec: 10, validateCerts: true });
    const sig =
      keyring === undefined
        ? `echo 'ok ${i}'`
        : `if [ ! -f ${shellQuote(keyring)} ]; then echo 'ok ${i}'; elif v=$(printf '%s\\n' "$t" | gpgv --keyring ${shellQuote(keyring)} 2>&1 >/dev/null); then echo 'ok ${i}'; else printf 'badsig ${i} %s\\n' "$(printf '%s' "$v" | grep -v '^gpgv: *\\(Signature made\\|using\\)' | tr '\\n' ' ')"; fi`;
    // A repository with only Release + Release.gpg (no InRelease) is fine for apt too: reachable, not verified here.
    const release = fetchCommand(url.replace(/InRelease$/, 'Release'), '-', { timeoutSec: 10, validateCerts: true });
    lines.push(
      `if t=$(${fetch} 2>&1); then ${sig}; elif (${release}) >/dev/null 2>&1; then echo 'ok ${i}'; else printf 'unreachable ${i} %s\\n' "$(printf '%s' "$t" | tr '\\n' ' ')"; fi`,
    );
  });
  return lines.join('\n');
}

/** The E:/W:/Err: lines of apt-get update's output, joined, without repeats. */
export function aptUpdateErrors(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(E|W):/.test(l));
  return [...new Set(lines.map((l) => l.replace(/^(E|W):\s*/, '')))].join('; ');
}
