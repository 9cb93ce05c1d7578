// deb822_repository: an apt source as /etc/apt/sources.list.d/<name>.sources, with Ansible's arguments.
//
// fleetplay's update_cache (default true, like apt_repository's): a new or changed source is fetched by
// `apt-get update` limited to that one source, from a temp copy, *before* the file is moved into place.
// So the cache knows the repository's packages in the same run, other sources are not fetched again,
// and a source apt cannot fetch or verify (unreachable URI, wrong Signed-By key) fails the task and
// leaves /etc/apt as it was. Removing a source deletes its file; apt drops its packages from the cache
// at its next run.
//
// signed_by given as a URL: the host fetches the key into /etc/apt/keyrings/<slug>.asc or .gpg, as Ansible
// does (signedByUrl.ts), and Signed-By names that file; state: absent removes those key files too.
//
// Check mode predicts the file; the apt module then knows the sources changed and reports the packages
// it would install from them as unknown (their versions are known only after the real update).
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { DiffEntry, PredictedFile } from '../../engine/types.ts';
import { attributeDiffs, normalizeMode } from '../lib/attributes.ts';
import { sha256 } from '../lib/fileContent.ts';
import { probeFileState, probeRemoteText, setPredictedFile, type FileState } from '../lib/fileState.ts';
import { modeSchema, wordListSchema } from '../lib/schemas.ts';
import { aptUpdateErrors, installScript, probeFetchProblem } from '../lib/aptUpdate.ts';
export { aptUpdateErrors, fetchProbeCommand, installScript } from '../lib/aptUpdate.ts';
export { isKeyUrl, keyFileFor, repoSlug } from './signedByUrl.ts';
import { applyKey, isKeyUrl, keyChanges, keyFileFor, planKey, probeKey, probeKeyFiles, type KeyPlan } from './signedByUrl.ts';
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
    // apt's other source options, written as Ansible writes them (Allow-Insecure: yes, Date-Max-Future: 10).
    allow_downgrade_to_insecure: { type: 'boolean' },
    allow_insecure: { type: 'boolean' },
    allow_weak: { type: 'boolean' },
    check_date: { type: 'boolean' },
    check_valid_until: { type: 'boolean' },
    date_max_future: { type: 'integer' },
    inrelease_path: { type: 'string', minLength: 1, pattern: '^[^\\n\\r\\x00]*$' },
    targets: wordListSchema,
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
  | { kind: 'absent'; file: string; state: FileState; before?: string; keys: string[] }
  | { kind: 'problems'; file: string; problems: string[] }
  | { kind: 'present'; file: string; want: Wanted; state: FileState; fetchProblem?: string; before?: string; key?: KeyPlan };

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
  /** signed_by as a URL: the key to write first. */
  key?: KeyPlan;
  /** Other paths check mode records (the key files a removal deletes, the key and its directory). */
  alsoPredicted?: Array<[string, PredictedFile]>;
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
    options: optionsOf(args),
  };
}

const OPTIONS = [
  'allow_downgrade_to_insecure',
  'allow_insecure',
  'allow_weak',
  'check_date',
  'check_valid_until',
  'date_max_future',
  'inrelease_path',
  'targets',
] as const;

/** The options given among Ansible's other deb822 fields (renderSource writes them). */
function optionsOf(args: Deb822RepositoryArgs): Record<string, boolean | number | string | string[]> {
  const out: Record<string, boolean | number | string | string[]> = {};
  for (const key of OPTIONS) {
    const v = args[key];
    if (v === undefined) continue;
    out[key] = typeof v === 'string' && key === 'targets' ? v.split(/\s+/).filter(Boolean) : typeof v === 'object' ? [...v] : v;
  }
  return out;
}

function* probeRepository(args: Deb822RepositoryArgs, view: ModuleView): Probe<Deb822Facts> {
  const file = `${SOURCES_DIR}/${sourcesFileName(args.name)}`;
  if (args.state === 'absent') {
    const state = yield* probeFileState(view, file, false);
    const keys = yield* probeKeyFiles(view, args.name);
    if (state.type === 'absent' || state.type === 'directory') return { kind: 'absent', file, state, keys };
    return { kind: 'absent', file, state, before: yield* probeRemoteText(view, file), keys };
  }
  let source = sourceOf(args);
  const url = source.signedBy !== undefined && isKeyUrl(source.signedBy) ? source.signedBy : undefined;
  // A URL is judged as the key file it becomes, so every other problem is found before the download.
  const problems = sourceProblems(url ? { ...source, signedBy: keyFileFor(args.name, 'gpg') } : source);
  if (url && !/^(https?|ftp):\/\//i.test(url)) problems.push(`signed_by '${url}': only http, https and ftp URLs are fetched`);
  if (problems.length > 0) return { kind: 'problems', file, problems };
  let key: KeyPlan | undefined;
  if (url) {
    const k = planKey(args.name, url, yield* probeKey(view, args.name, url), view.host);
    if ('problem' in k) return { kind: 'problems', file, problems: [k.problem] };
    key = k;
    source = { ...source, signedBy: k.file };
  }
  const want: Wanted = {
    source,
    text: renderSource(source),
    mode: normalizeMode(args.mode) ?? '0644',
    update: args.update_cache !== false,
  };
  const state = yield* probeFileState(view, file, 'sha256');
  const withKey = key ? { key } : {};
  if (state.type !== 'file' && state.type !== 'absent') return { kind: 'present', file, want, state, ...withKey };
  const same = state.type === 'file' && state.checksum === sha256(want.text);
  const attrs = state.type === 'file' ? attributeDiffs(file, state, { mode: want.mode, owner: 'root', group: 'root' }) : [];
  if (same && attrs.length === 0) return { kind: 'present', file, want, state, ...withKey };
  // Check mode asks the repository what the real run's `apt-get update` will: can it be fetched, and is it
  // signed by the keyring? (Not against a key this task replaces: the host's copy is the old one.)
  const problem =
    view.check && want.update && !same
      ? yield* probeFetchProblem(view, inReleaseUrls(source), source.signedBy, key?.write === true)
      : undefined;
  if (problem) return { kind: 'present', file, want, state, fetchProblem: problem, ...withKey };
  const before = state.type === 'file' ? yield* probeRemoteText(view, file) : '';
  return { kind: 'present', file, want, state, before, ...withKey };
}

function decideRepository(args: Deb822RepositoryArgs, facts: Deb822Facts): Decision<Deb822Change> {
  const { file } = facts;
  const summary = [{ verb: '', object: 'deb822_repository change' }];
  if (facts.kind === 'problems') return { kind: 'failed', msg: `repository ${args.name}: ${facts.problems.join('; ')}` };
  if (facts.kind === 'absent') {
    const { state, keys } = facts;
    if (state.type === 'directory') return { kind: 'failed', msg: `${file} is a directory`, data: { dest: file } };
    const gone = [...(state.type === 'absent' ? [] : [file]), ...keys];
    if (gone.length === 0) return { kind: 'ok', msg: `${file} is absent`, data: { dest: file } };
    return {
      kind: 'change',
      msg: `remove ${gone.join(', ')}`,
      summary,
      diff: gone.map((f) => ({ header: f, before: f === file ? (facts.before ?? '') : 'present', after: f === file ? '' : 'absent' })),
      data: { dest: file },
      change: {
        command: `rm -f -- ${gone.map(shellQuote).join(' ')}`,
        file,
        done: `removed ${gone.join(', ')}`,
        data: { dest: file },
        install: false,
        predicted: { type: 'absent' },
        alsoPredicted: keys.map((k) => [k, { type: 'absent' }]),
      },
    };
  }
  const { want, state, key } = facts;
  const { text, mode } = want;
  // key_filename is None in Ansible's result unless signed_by was fetched from a URL.
  const data = { dest: file, repo: text, key_filename: key ? key.file : null };
  const keyChanged = key !== undefined && keyChanges(key);
  if (state.type !== 'file' && state.type !== 'absent')
    return { kind: 'failed', msg: `${file} exists and is not a regular file (${state.type})`, data };
  const same = state.type === 'file' && state.checksum === sha256(text);
  const attrs: DiffEntry[] = state.type === 'file' ? attributeDiffs(file, state, { mode, owner: 'root', group: 'root' }) : [];
  if (same && attrs.length === 0 && !keyChanged) return { kind: 'ok', msg: `${file} is up to date`, data };
  if (facts.fetchProblem) return { kind: 'failed', msg: `${file} would not be changed: ${facts.fetchProblem}`, data };
  const sourceChanged = !same || attrs.length > 0;
  const verb = state.type === 'absent' ? 'add' : same ? 'fix attributes of' : 'update';
  const refresh = want.update && !same ? ' and fetch its indexes' : '';
  const done = verb === 'add' ? 'added' : verb === 'update' ? 'updated' : 'fixed attributes of';
  const keyMsg = keyChanged ? `${key.write ? 'write' : 'set mode of'} ${key.file}${key.write ? ` from ${key.url}` : ''}` : '';
  const keyDone = keyChanged ? `${key.write ? 'wrote' : 'set mode of'} ${key.file}` : '';
  const both = (k: string, src: string): string => [k, sourceChanged ? src : ''].filter(Boolean).join('; ');
  return {
    kind: 'change',
    msg: both(keyMsg, `${verb} ${file}${refresh}`),
    summary,
    diff: [...(keyChanged ? key.diff : []), ...(same ? [] : [{ header: file, before: facts.before ?? '', after: text }]), ...attrs],
    data,
    change: {
      ...(keyChanged ? { key, alsoPredicted: key.predicted } : {}),
      command: sourceChanged ? installScript(file, text, mode, want.update && !same) : '',
      stdin: text,
      timeoutMs: UPDATE_TIMEOUT_MS,
      file,
      done: both(keyDone, `${done} ${file}${refresh ? ' and fetched its indexes' : ''}`),
      data,
      install: true,
      predicted: { type: 'file', checksum: sha256(text), size: Buffer.byteLength(text), mode, owner: 'root', group: 'root', content: text },
    },
  };
}

/** The deb822_repository module. */
export const deb822RepositoryModule = defineModule<Deb822RepositoryArgs, Deb822Facts, Deb822Change>({
  name: 'deb822_repository',
  summary: 'An apt source as /etc/apt/sources.list.d/<name>.sources.',
  runsOn: 'host',
  schema: deb822RepositorySchema,
  probe: probeRepository,
  decide: decideRepository,
  async apply(change, host) {
    const keyFailed = change.key ? await applyKey(change.key, host) : undefined;
    if (keyFailed) return keyFailed;
    if (change.command === '') return { kind: 'changed', msg: change.done, data: change.data };
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
    if (decision.kind !== 'change') return;
    for (const [path, state] of decision.change.alsoPredicted ?? []) setPredictedFile(predicted, path, state);
    if (decision.change.command !== '') setPredictedFile(predicted, decision.change.file, decision.change.predicted);
  },
});
