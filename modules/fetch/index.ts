// fetch (ansible.builtin.fetch): a host's file copied to the controller, under dest/<inventory_hostname>/<src>
// (or flat). Changed only when the controller copy's sha1 differs from the host's; the write is atomic and
// stays inside dest. Check mode writes nothing and predicts changed/ok from the same comparison (Ansible
// skips fetch in check mode; fleetplay predicts it).
import type { FromSchema } from 'json-schema-to-ts';
import { createHash } from 'node:crypto';
import { MAX_CONTENT_BYTES } from '../../engine/controllerFile.ts';
import { defineModule, local, read, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { operandPath, shellQuote } from '../../engine/quote.ts';
import type { ExecResult, PredictedState, StateSlot } from '../../engine/types.ts';
import { fetchDestPath, inspectLocalCopy, type LocalCopy, writeLocalCopy } from './controllerDest.ts';

/** The largest file fetch transfers (it is held in memory, as base64 and as bytes). */
export const MAX_FETCH_BYTES = MAX_CONTENT_BYTES;

const schema = {
  type: 'object',
  properties: {
    src: { type: 'string', minLength: 1 },
    dest: { type: 'string', minLength: 1 },
    flat: { type: 'boolean' },
    fail_on_missing: { type: 'boolean' },
    validate_checksum: { type: 'boolean', aliases: ['validate_md5'] },
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;

type Args = FromSchema<typeof schema>;

/** The host's src: a readable regular file with its sha1, or why it cannot be fetched. */
export type RemoteSource =
  | { kind: 'file'; size: number; sha1: string }
  | { kind: 'absent' | 'directory' | 'unreadable' | 'special' }
  | { kind: 'unknown'; why: string };

/** What probe found: the host's file, the controller path and what is there. */
export interface FetchFacts {
  remote: RemoteSource;
  dest: { ok: true; path: string } | { ok: false; msg: string };
  local?: LocalCopy;
}

/** What apply does: read src from the host and write it at dest. */
interface Change {
  src: string;
  dest: string;
  remoteSha1: string;
  validate: boolean;
}

/** Check mode: the controller files an earlier fetch of this host's run would have written (path → sha1). */
const FETCHED: StateSlot<Map<string, string>> = { name: 'fetch.controllerCopies', init: () => new Map() };

/** One read: what src is, and for a readable regular file its size and sha1 (links followed, as Ansible's stat). */
export function remoteSourceCommand(src: string): string {
  const p = shellQuote(operandPath(src));
  return [
    `if [ -d ${p} ]; then echo directory`,
    `elif [ ! -e ${p} ]; then echo absent`,
    `elif [ ! -f ${p} ]; then echo special`,
    `elif [ ! -r ${p} ]; then echo unreadable`,
    `else s=$(stat -L -c %s -- ${p}); h=$(sha1sum < ${p}); echo "file $s \${h%% *}"; fi`,
  ].join('; ');
}

/** Parses remoteSourceCommand's output. */
export function parseRemoteSource(src: string): (r: ExecResult) => RemoteSource {
  return (r) => {
    if (r.exitCode !== 0) throw new Error(`cannot inspect ${src}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    const line = r.stdout.trim();
    const m = /^file (\d+) ([0-9a-f]{40})$/.exec(line);
    if (m) return { kind: 'file', size: Number(m[1]), sha1: m[2] as string };
    if (line === 'absent' || line === 'directory' || line === 'unreadable' || line === 'special') return { kind: line };
    throw new Error(`cannot inspect ${src}: unexpected answer ${JSON.stringify(line)}`);
  };
}

function* probe(args: Args, view: ModuleView): Probe<FetchFacts> {
  const baseDir = typeof view.vars.playbook_dir === 'string' ? view.vars.playbook_dir : process.cwd();
  const hostName = typeof view.vars.inventory_hostname === 'string' ? view.vars.inventory_hostname : view.host;
  // The host's read first: it may go out with the previous task's (nothing costly before the first yield).
  const remote = yield* probeRemote(args.src, view);
  const dest = fetchDestPath(args.src, args.dest, hostName, args.flat ?? false, baseDir);
  if (!dest.ok || remote.kind !== 'file') return { remote, dest };
  const earlier = view.check ? view.predicted.slot(FETCHED).get(dest.path) : undefined;
  if (earlier !== undefined) return { remote, dest, local: { kind: 'file', size: -1, sha1: earlier, md5: '' } };
  const localCopy = yield* local(`hash the controller copy ${dest.path}`, () => inspectLocalCopy(dest.path));
  return { remote, dest, local: localCopy };
}

function* probeRemote(src: string, view: ModuleView): Probe<RemoteSource> {
  const predicted = view.check ? view.predicted.file(src) : undefined;
  if (predicted?.type === 'absent') return { kind: 'absent' };
  if (predicted?.type === 'directory') return { kind: 'directory' };
  if (predicted?.type === 'file') {
    if (predicted.content === undefined)
      return { kind: 'unknown', why: `an earlier task would write ${src}, with a content check mode does not know` };
    const bytes = Buffer.from(predicted.content);
    return { kind: 'file', size: bytes.length, sha1: createHash('sha1').update(bytes).digest('hex') };
  }
  const found = yield* read({ command: remoteSourceCommand(src), parse: parseRemoteSource(src) });
  const opaque = view.check && found.kind === 'absent' ? view.predicted.opaqueTask() : undefined;
  if (opaque) return { kind: 'unknown', why: `${src} does not exist, but the earlier task '${opaque}' may create it` };
  return found;
}

/** Ansible's words for a src that cannot be fetched. */
const MISSING: Record<'absent' | 'directory' | 'unreadable' | 'special', string> = {
  absent: 'the remote file does not exist',
  unreadable: 'no read permission on remote file',
  directory: 'remote file is a directory, fetch cannot work on directories',
  // Ansible would try to read it; a FIFO or device might never end, so fleetplay refuses it.
  special: 'remote file is not a regular file (a FIFO, socket or device), fetch cannot work on it',
};

function decide(args: Args, facts: FetchFacts): Decision<Change> {
  const { remote, dest } = facts;
  if (remote.kind === 'unknown') return { kind: 'unknown', msg: remote.why };
  if (remote.kind !== 'file') {
    const msg = MISSING[remote.kind];
    if (args.fail_on_missing ?? true) return { kind: 'failed', msg, data: { file: args.src } };
    return { kind: 'ok', msg: `${msg}, not transferring, ignored`, data: { file: args.src } };
  }
  if (!dest.ok) return { kind: 'failed', msg: dest.msg };
  const here = facts.local ?? { kind: 'absent' };
  if (here.kind === 'refused') return { kind: 'failed', msg: here.msg };
  if (here.kind === 'file' && here.sha1 === remote.sha1)
    return {
      kind: 'ok',
      msg: `${dest.path} is the same as ${args.src}`,
      data: { file: args.src, dest: dest.path, checksum: here.sha1, ...(here.md5 ? { md5sum: here.md5 } : {}) },
    };
  if (remote.size > MAX_FETCH_BYTES)
    return {
      kind: 'failed',
      msg: `remote file ${args.src} is ${remote.size} bytes, over fetch's limit of ${MAX_FETCH_BYTES / 1024 / 1024} MiB`,
    };
  return {
    kind: 'change',
    msg: `fetch ${args.src} to ${dest.path}`,
    summary: [{ verb: 'fetch', object: 'file' }],
    data: { dest: dest.path, checksum: remote.sha1, remote_checksum: remote.sha1, remote_md5sum: null },
    change: { src: args.src, dest: dest.path, remoteSha1: remote.sha1, validate: args.validate_checksum ?? true },
  };
}

async function apply(change: Change, host: { run: (c: string) => Promise<ExecResult> }) {
  const p = shellQuote(operandPath(change.src));
  const r = await host.run(`head -c ${MAX_FETCH_BYTES + 1} -- ${p} | base64 -w0`);
  if (r.exitCode !== 0) return { kind: 'failed' as const, msg: `reading ${change.src} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  const bytes = Buffer.from(r.stdout.trim(), 'base64');
  if (bytes.length > MAX_FETCH_BYTES)
    return { kind: 'failed' as const, msg: `remote file ${change.src} grew over fetch's limit while it was read` };
  const sha1 = createHash('sha1').update(bytes).digest('hex');
  const md5 = createHash('md5').update(bytes).digest('hex');
  // Ansible writes first and then reports the mismatch; fleetplay checks first and leaves dest untouched.
  if (change.validate && sha1 !== change.remoteSha1)
    return {
      kind: 'failed' as const,
      msg: 'checksum mismatch',
      data: { file: change.src, dest: change.dest, checksum: sha1, remote_checksum: change.remoteSha1, md5sum: md5, remote_md5sum: null },
    };
  writeLocalCopy(change.dest, bytes);
  return {
    kind: 'changed' as const,
    msg: `fetched ${change.src} to ${change.dest}`,
    data: { dest: change.dest, checksum: sha1, remote_checksum: change.remoteSha1, md5sum: md5, remote_md5sum: null },
  };
}

/** The fetch module: the result has Ansible's dest, checksum, remote_checksum and md5sum. */
export const fetchModule = defineModule<Args, FetchFacts, Change>({
  name: 'fetch',
  summary: "Copy a host's file to the controller.",
  runsOn: 'host',
  schema,
  probe,
  decide,
  apply,
  predict(decision: Decision<Change>, predicted: PredictedState) {
    if (decision.kind === 'change') predicted.slot(FETCHED).set(decision.change.dest, decision.change.remoteSha1);
  },
});
