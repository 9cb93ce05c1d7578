// What unarchive reads: one command that compares every member of the archive with the path under dest
// (with the manifest on stdin when the controller has it). A controller-side archive is hashed and
// listed first, in a `local` stage (once per archive version in a run, then from the cache).
import path from 'node:path';
import type { ModuleView, Probe } from '../../engine/module.ts';
import { local, read } from '../../engine/module.ts';
import type { PredictedFile, ResultData } from '../../engine/types.ts';
import { requireAccountName } from '../lib/argumentRules.ts';
import { normalizeMode } from '../lib/attributes.ts';
import { isSymbolicMode, symbolicModeProblem } from '../lib/symbolicMode.ts';
import { inspectControllerFile } from '../lib/controllerFile.ts';
import { urlFileName, type FetchOptions } from '../lib/download.ts';
import { knownHashes, rememberHashes, under } from '../lib/hashCache.ts';
import { formatFromName, formatLabel, requiredPrograms, type ArchiveFormat } from './archiveFormat.ts';
import { manifestText, type ManifestSpec } from './archiveManifest.ts';
import {
  archiveProbeScript,
  type ArchiveProbeRequest,
  manifestListScript,
  parseArchiveProbe,
  parseManifestListing,
  type ProbeSource,
} from './archiveProbe.ts';
import { ARCHIVE_LIMITS } from './apply.ts';
import { afterProbe } from './decide.ts';
import { localManifest, MANIFESTS_IN_FLIGHT } from './localManifest.ts';
import { cachedManifests, manifestBySha, rememberManifest, type CachedManifest } from './manifestCache.ts';
import type { UnarchiveArgs } from './schema.ts';
import type { PredictedSource, UnarchiveFacts, UnarchiveTask } from './types.ts';

const URL_RE = /^(https?|ftp):\/\//i;

export function* probeUnarchive(args: UnarchiveArgs, view: ModuleView): Probe<UnarchiveFacts> {
  const { src, dest } = args;
  // A bad owner or group is refused before the host is asked anything.
  const own = owners(args);
  const isUrl = URL_RE.test(src);
  const format: ArchiveFormat | undefined =
    formatFromName(isUrl ? urlFileName(src) : src) ?? (isUrl ? undefined : { kind: 'tar', compression: 'auto' });
  if (!format) return failed(`cannot tell the archive format of ${src} from its name (.tar.gz, .tgz, .tar.xz, .tar.bz2, .tar, .zip)`);
  if (args.copy !== undefined && args.remote_src !== undefined) return failed("parameters are mutually exclusive: ('copy', 'remote_src')");
  if (args.include !== undefined && args.exclude !== undefined) return failed('parameters are mutually exclusive: include|exclude');
  const spec: ManifestSpec = {
    format,
    extraOpts: [...(args.extra_opts ?? [])],
    include: [...(args.include ?? [])],
    ...(args.exclude?.length ? { exclude: [...args.exclude] } : {}),
  };
  if (format.kind === 'zip' && spec.extraOpts.length) return failed('extra_opts is supported for tar archives only');
  if (format.kind === 'zip' && args.keep_newer === true) return failed('keep_newer is supported for tar archives only');
  const mode = isSymbolicMode(args.mode) ? args.mode.trim() : normalizeMode(args.mode);
  // Ansible's set_mode_if_different: its message, and the clause it refuses in `details`.
  const badMode = isSymbolicMode(args.mode) ? symbolicModeProblem(args.mode.trim()) : undefined;
  if (badMode !== undefined)
    return {
      kind: 'verdict',
      verdict: { kind: 'failed', msg: 'mode must be in octal or symbolic form', data: { dest, src, details: badMode } },
    };
  if (format.kind === 'zip' && isUrl)
    return failed(`zip archives cannot be read from a URL; download ${src} with get_url, then use remote_src: true`);
  const fetch: FetchOptions = { timeoutSec: 10, validateCerts: args.validate_certs !== false };
  const data: ResultData = { dest, src, handler: formatLabel(format) };

  const creates = args.creates;
  const remoteSrc = !isUrl && (args.remote_src ?? args.copy === false);
  const task: UnarchiveTask = {
    src,
    dest,
    isUrl,
    remoteSrc,
    ...(creates !== undefined ? { creates } : {}),
    format,
    spec,
    fetch,
    own,
    ...(mode ? { mode } : {}),
    keepNewer: args.keep_newer === true,
    listFiles: args.list_files === true,
  };

  // Check mode reads creates, dest and a remote src as the earlier tasks would leave them.
  const predictedCreates = view.check && creates ? view.predicted.file(creates) : undefined;
  if (predictedCreates && predictedCreates.type !== 'absent')
    return { kind: 'verdict', verdict: { kind: 'ok', msg: `${creates} exists`, data } };
  const predictedDest = view.check ? view.predicted.file(dest) : undefined;
  const destWouldBeMissing = predictedDest !== undefined && predictedDest.type !== 'directory';

  let source: ProbeSource;
  let cacheKey = '';
  let stdin = '';
  let archiveSha: string | undefined;
  let localFile: string | undefined;
  let predictedSrc: PredictedSource | undefined;
  if (isUrl) {
    source = { kind: 'url', url: src, fetch };
    cacheKey = src;
  } else if (remoteSrc) {
    source = { kind: 'remote', path: src };
    cacheKey = `host:${src}`;
    const state = view.check ? view.predicted.file(src) : undefined;
    // Looking a manifest up by its sha256 may read the whole cache directory: controller-side work.
    if (state)
      predictedSrc =
        state.type === 'file' && state.checksum
          ? yield* local(`the cached manifest of ${src}`, async () => predictSource(src, view.host, state, spec))
          : predictSource(src, view.host, state, spec);
    if (predictedSrc?.kind === 'unknown') return { kind: 'verdict', verdict: { kind: 'unknown', msg: predictedSrc.msg, data } };
    if (predictedSrc?.kind === 'cached') {
      source = { kind: 'given' };
      stdin = `${manifestText(predictedSrc.manifest.entries)}\n`;
      archiveSha = predictedSrc.manifest.archiveSha;
      cacheKey = '';
    }
    if (predictedSrc?.kind === 'stream') source = { kind: 'url', url: predictedSrc.url, fetch };
  } else {
    const file = view.resolveLocalPath(src, 'files');
    // Only a regular file is read (a FIFO would block the controller, /dev/zero never ends).
    const found = inspectControllerFile(file, ARCHIVE_LIMITS);
    if (found.kind !== 'file')
      return {
        kind: 'verdict',
        verdict: { kind: 'failed', msg: found.kind === 'refused' ? found.problem : `${file} is a directory`, data },
      };
    const inFlight = view.runState(MANIFESTS_IN_FLIGHT);
    const manifest: CachedManifest | Error = yield* local(`reading ${file}`, () =>
      localManifest(file, spec, inFlight).catch((err: unknown) => err as Error),
    );
    if (manifest instanceof Error) return { kind: 'verdict', verdict: { kind: 'failed', msg: manifest.message, data } };
    source = { kind: 'given' };
    stdin = `${manifestText(manifest.entries)}\n`;
    localFile = file;
    archiveSha = manifest.archiveSha;
  }
  // The real run would stop at dest or src: only creates, dest and the programs are worth asking.
  const stopsEarly = destWouldBeMissing || predictedSrc?.kind === 'missing';
  if (stopsEarly) {
    source = { kind: 'given' };
    stdin = '';
    cacheKey = '';
  }
  if (cacheKey)
    stdin = cachedManifests(cacheKey, spec)
      .map((m) => `@${m.archiveSha}\n${manifestText(m.entries)}\n`)
      .join('');

  const owner = { host: view.host, vars: view.vars };
  const request = (from: ProbeSource, listFresh: boolean): ArchiveProbeRequest => ({
    source: from,
    dest,
    spec,
    programs: requiredPrograms(format),
    hashes: knownHashes(owner, (f) => under(dest)(f) || (remoteSrc && f === src)),
    ...(creates && !predictedCreates ? { creates } : {}),
    ...(predictedDest?.type === 'directory' ? { assumeDest: true } : {}),
    listFresh,
  });
  const probeWith = function* (from: ProbeSource, input: string, listFresh: boolean) {
    const result = yield* read({ command: archiveProbeScript(request(from, listFresh)), stdin: input });
    if (result.exitCode === 0) rememberHashes(owner, result.stdout);
    return { r: result, parsed: parseArchiveProbe(result.stdout) };
  };
  // An archive the controller has no manifest of is listed by one host for all the hosts that have the
  // same sha256 (a shared read), not by each: on a fleet another tool set up, every host has the archive
  // and none is in the cache. The others then compare dest with that manifest.
  let { r, parsed } = yield* probeWith(source, stdin, source.kind === 'given');
  if (parsed.manifest === 'needed' && parsed.archiveSha && source.kind !== 'given') {
    const sha = parsed.archiveSha;
    const entries = yield* read({
      command: manifestListScript(source, spec),
      shareKey: `unarchive manifest\n${sha}\n${JSON.stringify(spec)}`,
      parse: (x) => (x.exitCode === 0 ? parseManifestListing(x.stdout) : undefined),
    });
    if (entries && cacheKey) rememberManifest(cacheKey, spec, { archiveSha: sha, entries });
    const next = entries ? yield* probeWith({ kind: 'given' }, `${manifestText(entries)}\n`, true) : yield* probeWith(source, stdin, true);
    const first = parsed;
    r = next.r;
    parsed = entries
      ? {
          ...next.parsed,
          archiveSha: sha,
          ...(first.tool ? { tool: first.tool } : {}),
          ...(first.fetchRc !== undefined ? { fetchRc: first.fetchRc } : {}),
        }
      : next.parsed;
  }
  // Ansible's warning for a relative dest (it resolves it against the module's working directory).
  if (parsed.cwd !== undefined)
    data.warnings = [`Relative destination path '${dest}' was resolved to absolute path '${path.posix.join(parsed.cwd, dest)}'.`];
  const facts: UnarchiveFacts = {
    kind: 'probed',
    task,
    data,
    exitCode: r.exitCode,
    err: r.stderr.trim(),
    stdoutHead: r.stdout.slice(0, 200),
    probe: parsed,
    ...(archiveSha ? { archiveSha } : {}),
    ...(predictedSrc ? { predictedSrc } : {}),
    destWouldBeMissing,
    ...(localFile ? { localFile } : {}),
    owner,
  };
  // A manifest the probe read afresh is remembered, once the probe's answer holds.
  const { probe } = facts;
  const sha = archiveSha ?? probe.archiveSha;
  if (probe.manifest === 'fresh' && sha && !afterProbe(facts, view.host))
    rememberManifest(cacheKey, spec, { archiveSha: sha, entries: probe.members.map((m) => m.entry) });
  return facts;
}

function failed(msg: string): UnarchiveFacts {
  return { kind: 'verdict', verdict: { kind: 'failed', msg } };
}

/**
 * A src an earlier task would download: its manifest from the controller's cache when its sha256 is
 * known, else by streaming its origin URL through tar on the host (read-only, nothing written).
 */
function predictSource(src: string, host: string, state: PredictedFile, spec: ManifestSpec): PredictedSource {
  if (state.type === 'absent' || state.type === 'directory') return { kind: 'missing' };
  if (state.type === 'link')
    return {
      kind: 'unknown',
      msg: `${src} would be a symlink to ${state.target} on ${host}; cannot predict what extracting it would change`,
    };
  const cached = state.checksum ? manifestBySha(state.checksum, spec) : undefined;
  if (cached) return { kind: 'cached', manifest: cached };
  const url = state.origin?.url;
  const why = `${src} would be written by an earlier task`;
  if (!url)
    return {
      kind: 'unknown',
      msg: `${why}, and neither its download URL nor a cached manifest of its content is known; cannot predict what extracting it would change`,
    };
  if (spec.format.kind === 'zip' || spec.format.compression === 'auto') {
    return {
      kind: 'unknown',
      msg: `${why} from ${url}, which cannot be read as a stream (${formatLabel(spec.format)} without a known compression) and has no cached manifest; cannot predict what extracting it would change`,
    };
  }
  return { kind: 'stream', url, ...(state.checksum ? { archiveSha: state.checksum } : {}) };
}

function owners(args: UnarchiveArgs): { owner?: string; group?: string } {
  if (args.owner !== undefined) requireAccountName('owner', args.owner);
  if (args.group !== undefined) requireAccountName('group', args.group);
  return { ...(args.owner !== undefined ? { owner: args.owner } : {}), ...(args.group !== undefined ? { group: args.group } : {}) };
}
