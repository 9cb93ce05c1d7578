// apt_repository (ansible.builtin.apt_repository): a one-line apt source (`deb [options] uri suite components`)
// present in or absent from apt's .list files, with Ansible's arguments.
//
// As Ansible: present re-enables commented-out copies of the line in any sources file and appends it to
// /etc/apt/sources.list.d/<filename>.list only when no file has it; absent removes every enabled copy from
// every file and deletes a file left without lines. Lines are compared with runs of whitespace as one space.
//
// update_cache (default true): before any file changes, the new source's indexes are fetched by
// `apt-get update` limited to that source, from a temp copy (modules/lib/aptUpdate.ts, as deb822_repository):
// so the cache knows its packages in the same run and a source apt cannot fetch or verify fails the task and
// leaves /etc/apt as it was (Ansible writes first, runs a full update, and restores the files on failure).
// Removing a source runs no update: apt drops its packages at its next update.
//
// Check mode predicts the files; the apt module then knows the sources changed (lib/aptSources.ts).
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import type { PredictedFile } from '../../engine/types.ts';
import { fetchSourcesScript, probeFetchProblem, SOURCES_DIR } from '../lib/aptUpdate.ts';
import { normalizeMode } from '../lib/attributes.ts';
import { sha256 } from '../lib/fileContent.ts';
import { modeSchema, oneLineSchema } from '../lib/schemas.ts';
import { applyChange, type RepoChange } from './apply.ts';
import { PREDICTED_LISTS, probeSources, type SourcesFacts } from './probe.ts';
import { absentEdits, parseLine, presentEdits, sourceInRelease, splitSource, suggestFilename, type FileEdit } from './sourcesList.ts';

/** Seconds one `apt-get update` of the new source may take. */
const UPDATE_TIMEOUT_MS = 300_000;

/** Ansible's arguments; codename, validate_certs and install_python_apt are accepted and change nothing. */
export const aptRepositorySchema = {
  type: 'object',
  properties: {
    repo: { ...oneLineSchema, minLength: 1 },
    state: { enum: ['present', 'absent'] },
    // apt reads only files named [A-Za-z0-9_.-]+.list from sources.list.d; other names would be ignored.
    filename: { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9_.-]*$', description: 'a file name in sources.list.d, without .list' },
    mode: modeSchema,
    update_cache: { type: 'boolean', aliases: ['update-cache'] },
    update_cache_retries: { type: 'integer', minimum: 1, maximum: 100 },
    update_cache_retry_max_delay: { type: 'integer', minimum: 0, maximum: 3600 },
    validate_certs: { type: 'boolean' },
    codename: { type: 'string' },
    install_python_apt: { type: 'boolean' },
  },
  required: ['repo'],
  additionalProperties: false,
} as const;

/** The arguments as ajv checked them. */
export type AptRepositoryArgs = FromSchema<typeof aptRepositorySchema>;

/** What probe found: a refused repo, or the sources files and what the task wants of them. */
export type AptRepositoryFacts =
  | { kind: 'problem'; msg: string }
  | { kind: 'read'; source: string; target: string; sources: SourcesFacts; fetchProblem?: string };

/** The source line as Ansible normalizes it and the file it goes to, or why it is refused. */
export function wantedSource(args: AptRepositoryArgs): { source: string; target: string } | { problem: string } {
  const repo = args.repo.trim();
  if (/^ppa:/i.test(repo))
    return {
      problem: `'${repo}' is a Launchpad PPA (Ubuntu only): fleetplay does not map PPAs (Ansible does on Ubuntu); give its one-line 'deb [signed-by=/etc/apt/keyrings/<name>.asc] https://ppa.launchpadcontent.net/<user>/<ppa>/ubuntu <codename> main' with the key fetched by apt_key`,
    };
  const line = parseLine(repo);
  if (!line.valid || !line.enabled) return { problem: `Invalid repository string: ${repo} (a one-line source starts with deb or deb-src)` };
  const parts = splitSource(line.source);
  if ('problem' in parts) return { problem: parts.problem };
  const name = args.filename === undefined ? suggestFilename(line.source) : `${args.filename}.list`;
  if (name === '.list') return { problem: `cannot derive a file name from '${repo}': give filename` };
  return { source: line.source, target: `${SOURCES_DIR}/${name}` };
}

function* probeRepository(args: AptRepositoryArgs, view: ModuleView): Probe<AptRepositoryFacts> {
  const wanted = wantedSource(args);
  if ('problem' in wanted) return { kind: 'problem', msg: wanted.problem };
  const sources = yield* probeSources(view, wanted.target);
  const facts: AptRepositoryFacts = { kind: 'read', ...wanted, sources };
  if (!view.check || args.update_cache === false || (args.state ?? 'present') !== 'present' || sources.unknown) return facts;
  // Check mode asks the repository what the real run's `apt-get update` will: can it be fetched, and is it
  // signed by the keyring named in signed-by (only a .gpg keyring on the host, not one an earlier task writes)?
  const edits = presentEdits(textFiles(sources), wanted.source, wanted.target);
  if (edits.size === 0) return facts;
  const parts = splitSource(wanted.source);
  if ('problem' in parts) return facts;
  const problem = yield* probeFetchProblem(view, [sourceInRelease(parts)], parts.options.get('signed-by'), false);
  return problem ? { ...facts, fetchProblem: problem } : facts;
}

/** The regular files' texts by path (what the edits read). */
function textFiles(s: SourcesFacts): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, f] of s.files) if (f.type === 'file') out.set(path, f.text);
  return out;
}

function decideRepository(args: AptRepositoryArgs, facts: AptRepositoryFacts): Decision<RepoChange> {
  if (facts.kind === 'problem') return { kind: 'failed', msg: facts.msg };
  const { source, target, sources } = facts;
  const state = args.state ?? 'present';
  const data = { repo: source, state };
  if (sources.unknown) return { kind: 'unknown', msg: sources.unknown, data };
  if (state === 'present' && sources.files.get(target)?.type === 'other')
    return { kind: 'failed', msg: `${target} exists and is not a regular file`, data };
  const edits = state === 'present' ? presentEdits(textFiles(sources), source, target) : absentEdits(textFiles(sources), source);
  if (edits.size === 0)
    return {
      kind: 'ok',
      msg: state === 'present' ? `'${source}' is already an enabled apt source` : `no enabled apt source is '${source}'`,
      data,
    };
  if (facts.fetchProblem) return { kind: 'failed', msg: `${target} would not be changed: ${facts.fetchProblem}`, data };
  const update = state === 'present' && args.update_cache !== false;
  const mode = normalizeMode(args.mode);
  const writes = [...edits].map(([path, edit]) => ({ path, ...writeOf(edit, sources, path, mode) }));
  const added = writes.filter((w) => w.text !== undefined && !sources.files.has(w.path)).map((w) => w.path);
  const removed = writes.filter((w) => w.text === undefined).map((w) => w.path);
  const fullData = { ...data, sources_added: added, sources_removed: removed };
  const paths = [...edits.keys()].join(', ');
  const retries = args.update_cache_retries ?? 5;
  const maxDelay = args.update_cache_retry_max_delay ?? 12;
  return {
    kind: 'change',
    msg: `${state === 'present' ? 'add' : 'remove'} '${source}' in ${paths}${update ? ' and fetch its indexes' : ''}`,
    summary: [{ verb: state === 'present' ? 'add' : 'remove', object: 'apt source' }],
    diff: [...edits].map(([path, e]) => ({ header: path, before: e.before, after: e.after ?? '' })),
    data: fullData,
    change: {
      ...(update
        ? {
            fetch: {
              script: fetchSourcesScript(`${source}\n`, { retries, maxDelay }),
              stdin: `${source}\n`,
              timeoutMs: retries * UPDATE_TIMEOUT_MS + retries * maxDelay * 1000,
            },
          }
        : {}),
      target,
      writes,
      done: `${state === 'present' ? 'added' : 'removed'} '${source}' in ${paths}${update ? ' and fetched its indexes' : ''}`,
      data: fullData,
    },
  };
}

/** How one edit is written: its text (none: deleted), the mode to set, and the state check mode records. */
function writeOf(
  edit: FileEdit,
  sources: SourcesFacts,
  path: string,
  mode: string | undefined,
): Omit<RepoChange['writes'][number], 'path'> {
  if (edit.after === undefined) return { predicted: { type: 'absent' } };
  const had = sources.files.get(path);
  const old = had?.type === 'file' ? had : undefined;
  // Ansible sets mode only on files it appends the source to; a new file is otherwise 0644, an existing one keeps its own.
  const setMode = edit.appended ? mode : undefined;
  const predicted: PredictedFile = {
    type: 'file',
    content: edit.after,
    checksum: sha256(edit.after),
    size: Buffer.byteLength(edit.after),
    mode: setMode ?? old?.mode ?? '0644',
    owner: old?.owner ?? 'root',
    group: old?.group ?? 'root',
  };
  return { text: edit.after, ...(setMode ? { mode: setMode } : {}), ...(old ? {} : { newFile: true }), predicted };
}

/** The apt_repository module. */
export const aptRepositoryModule = defineModule<AptRepositoryArgs, AptRepositoryFacts, RepoChange>({
  name: 'apt_repository',
  summary: "A one-line apt source (deb [options] uri suite components) in apt's .list files.",
  runsOn: 'host',
  schema: aptRepositorySchema,
  probe: probeRepository,
  decide: decideRepository,
  apply: applyChange,
  predict(decision, predicted) {
    if (decision.kind !== 'change') return;
    for (const w of decision.change.writes) {
      predicted.setFile(w.path, w.predicted);
      predicted.slot(PREDICTED_LISTS).add(w.path);
    }
  },
});
