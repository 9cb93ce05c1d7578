// unarchive: unpack a tar (gz/xz/bz2/zst) or zip archive into an existing directory on the host.
//
// Idempotence without state on the host: the plan compares every member of the archive (after
// extra_opts such as --strip-components) with the path under dest: type, sha256, mode, link target.
// That notices a new archive version and drift (a file deleted or altered) alike, in one remote command.
// The manifest of an archive version is cached on the controller (see lib/manifestCache.ts), so a
// no-op run does not decompress the archive; and the sha256 of the archive and of every dest file is
// remembered with the file's identity (lib/hashCache.ts), so a no-op run stats them instead of hashing.
// Apply unpacks into a staging directory in dest and renames only the differing members into place.
// `owner`/`group` apply to every extracted member (and are checked); `mode` is not supported (Ansible
// applies one mode to every member, files and directories alike).
// Check mode plans against what earlier tasks would leave: a dest directory they create, member paths
// they write or remove, and a remote src they download (its manifest comes from the controller's cache
// by the predicted sha256, else from streaming its origin URL); it records every member it would write.
import path from 'node:path';
import type { ApplyOutcome, DiffEntry, ModuleContext, ModuleDefinition, PredictedFile, ResultData } from '../engine/types.ts';
import { describeDrift, expectedMode, findDrift, predictedMember, splitDrift, stateAfter, type CompareOptions, type Drift } from './lib/archiveCompare.ts';
import { EXTRACT_EXIT, extractScript, extractStdin, type ExtractJob, type ExtractSource } from './lib/archiveExtract.ts';
import { formatFromName, formatLabel, requiredPrograms, type ArchiveFormat } from './lib/archiveFormat.ts';
import { displayName, manifestText, type ManifestEntry, type ManifestSpec } from './lib/archiveManifest.ts';
import { archiveProbeScript, parseArchiveProbe, type DestMember, type MemberState, type ProbeSource } from './lib/archiveProbe.ts';
import { noDownloaderMessage, urlFileName, type FetchOptions } from './lib/download.ts';
import { knownHashes, rememberHashes, under } from './lib/hashCache.ts';
import { localManifest } from './lib/localManifest.ts';
import { inspectControllerFile, MAX_ARCHIVE_BYTES, readControllerFile } from './lib/controllerFile.ts';
import { cachedManifests, manifestBySha, rememberManifest, type CachedManifest } from './lib/manifestCache.ts';
import { requireAccountName } from './lib/argumentRules.ts';
import { accountNameSchema } from './lib/schemas.ts';

const URL_RE = /^(https?|ftp):\/\//i;

/** How a controller-side archive is read. */
const ARCHIVE_LIMITS = { what: 'unarchive src', maxBytes: MAX_ARCHIVE_BYTES };

/** The unarchive module. */
export const unarchiveModule: ModuleDefinition = {
  name: 'unarchive',
  runsOn: 'host',
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string', minLength: 1 },
      dest: { type: 'string', minLength: 1 },
      remote_src: { type: 'boolean' },
      creates: { type: 'string', minLength: 1 },
      extra_opts: { type: 'array', items: { type: 'string' } },
      include: { type: 'array', items: { type: 'string', minLength: 1 } },
      owner: accountNameSchema,
      group: accountNameSchema,
      list_files: { type: 'boolean' },
      validate_certs: { type: 'boolean' },
    },
    required: ['src', 'dest'],
    additionalProperties: false,
  },
  async plan(args, ctx) {
    const src = String(args.src);
    const dest = String(args.dest);
    // A bad owner or group is refused before the host is asked anything.
    const own = owners(args);
    const isUrl = URL_RE.test(src);
    const format: ArchiveFormat | undefined = formatFromName(isUrl ? urlFileName(src) : src) ?? (isUrl ? undefined : { kind: 'tar', compression: 'auto' });
    if (!format) return { kind: 'failed', msg: `cannot tell the archive format of ${src} from its name (.tar.gz, .tgz, .tar.xz, .tar.bz2, .tar, .zip)` };
    const spec: ManifestSpec = { format, extraOpts: strings(args.extra_opts), include: strings(args.include) };
    if (format.kind === 'zip' && spec.extraOpts.length) return { kind: 'failed', msg: 'extra_opts is supported for tar archives only' };
    if (format.kind === 'zip' && isUrl) return { kind: 'failed', msg: `zip archives cannot be read from a URL; download ${src} with get_url, then use remote_src: true` };
    const fetch: FetchOptions = { timeoutSec: 10, validateCerts: args.validate_certs !== false };
    const data: ResultData = { dest, src, handler: formatLabel(format) };

    const creates = typeof args.creates === 'string' ? args.creates : undefined;
    const remoteSrc = !isUrl && args.remote_src === true;

    // Check mode reads creates, dest and a remote src as the earlier tasks would leave them.
    const predictedCreates = ctx.check && creates ? ctx.predicted.file(creates) : undefined;
    if (predictedCreates && predictedCreates.type !== 'absent') return { kind: 'ok', msg: `${creates} exists`, data };
    const predictedDest = ctx.check ? ctx.predicted.file(dest) : undefined;
    const destWouldBeMissing = predictedDest !== undefined && predictedDest.type !== 'directory';

    let source: ProbeSource;
    let cacheKey = '';
    let stdin = '';
    let archiveSha: string | undefined;
    let local: { file: string } | undefined;
    let predictedSrc: PredictedSource | undefined;
    if (isUrl) {
      source = { kind: 'url', url: src, fetch };
      cacheKey = src;
    } else if (remoteSrc) {
      source = { kind: 'remote', path: src };
      cacheKey = `host:${src}`;
      const state = ctx.check ? ctx.predicted.file(src) : undefined;
      if (state) predictedSrc = predictSource(src, ctx.host, state, spec);
      if (predictedSrc?.kind === 'unknown') return { kind: 'unknown', msg: predictedSrc.msg, data };
      if (predictedSrc?.kind === 'cached') {
        source = { kind: 'given' };
        stdin = `${manifestText(predictedSrc.manifest.entries)}\n`;
        archiveSha = predictedSrc.manifest.archiveSha;
        cacheKey = '';
      }
      if (predictedSrc?.kind === 'stream') source = { kind: 'url', url: predictedSrc.url, fetch };
    } else {
      const file = ctx.resolveLocalPath(src, 'files');
      // Only a regular file is read (a FIFO would block the controller, /dev/zero never ends).
      const found = inspectControllerFile(file, ARCHIVE_LIMITS);
      if (found.kind !== 'file') return { kind: 'failed', msg: found.kind === 'refused' ? found.problem : `${file} is a directory`, data };
      let manifest;
      try {
        manifest = await localManifest(file, spec);
      } catch (err) {
        return { kind: 'failed', msg: (err as Error).message, data };
      }
      source = { kind: 'given' };
      stdin = `${manifestText(manifest.entries)}\n`;
      local = { file };
      archiveSha = manifest.archiveSha;
    }
    // The real run would stop at dest or src: only creates, dest and the programs are worth asking.
    const stopsEarly = destWouldBeMissing || predictedSrc?.kind === 'missing';
    if (stopsEarly) {
      source = { kind: 'given' };
      stdin = '';
      cacheKey = '';
    }
    if (cacheKey) stdin = cachedManifests(cacheKey, spec).map((m) => `@${m.archiveSha}\n${manifestText(m.entries)}\n`).join('');

    const r = await ctx.run(
      archiveProbeScript({
        source,
        dest,
        spec,
        programs: requiredPrograms(format),
        hashes: knownHashes(ctx, (f) => under(dest)(f) || (remoteSrc && f === src)),
        ...(creates && !predictedCreates ? { creates } : {}),
        ...(predictedDest?.type === 'directory' ? { assumeDest: true } : {}),
      }),
      { stdin, readOnly: true },
    );
    const err = r.stderr.trim();
    if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot inspect ${dest}: ${err || `exit ${r.exitCode}`}`, data };
    rememberHashes(ctx, r.stdout);
    const probe = parseArchiveProbe(r.stdout);
    if (probe.createsExists) return { kind: 'ok', msg: `${String(creates)} exists`, data };
    // In check mode a dest or src that neither the host has nor an earlier task creates fails the real run too.
    if (probe.destMissing || destWouldBeMissing) return { kind: 'failed', msg: `dest ${dest} does not exist or is not a directory`, data };
    if (probe.missingPrograms.length) {
      return { kind: 'failed', msg: `cannot unpack ${src} on ${ctx.host}: ${probe.missingPrograms.join(', ')} not installed there`, data };
    }
    if (probe.srcMissing || predictedSrc?.kind === 'missing') return { kind: 'failed', msg: `${src} does not exist on ${ctx.host}`, data };
    if (probe.noDownloader) return { kind: 'failed', msg: noDownloaderMessage(ctx.host), data };
    if (probe.fetchRc !== undefined && probe.fetchRc !== 0) {
      const why = err || `exit ${probe.fetchRc}`;
      if (predictedSrc?.kind === 'stream') return { kind: 'unknown', msg: `cannot read ${predictedSrc.url}, which an earlier task would download to ${src}: ${why}`, data };
      return { kind: 'failed', msg: `cannot download ${src}: ${why}`, data };
    }
    if (probe.manifest === 'fresh' && probe.manifestRc !== 0) return { kind: 'failed', msg: `cannot read archive ${src}: ${err || `exit ${probe.manifestRc}`}`, data };
    archiveSha ??= probe.archiveSha;
    if (!archiveSha || !probe.manifest) return { kind: 'failed', msg: `unexpected probe output for ${src}: ${err || r.stdout.slice(0, 200)}`, data };
    if (predictedSrc?.kind === 'stream' && predictedSrc.archiveSha && predictedSrc.archiveSha !== archiveSha) {
      const msg = `${predictedSrc.url} now has sha256 ${archiveSha}, but the earlier download to ${src} was planned for sha256 ${predictedSrc.archiveSha}`;
      return { kind: 'unknown', msg: `${msg}; cannot predict the extraction`, data };
    }
    const entries = probe.members.map((m) => m.entry);
    if (probe.manifest === 'fresh') rememberManifest(cacheKey, spec, { archiveSha, entries });
    if (ctx.check) {
      const unknown = overlayPredicted(ctx, dest, probe.members);
      if (unknown) return { kind: 'unknown', msg: unknown, data };
    }

    data.archive_sha256 = archiveSha;
    if (args.list_files === true) data.files = entries.map((e) => displayName(e.name));
    const opts = { root: probe.uid === 0, umask: probe.umask, ...own };
    const drift = findDrift(probe.members, opts);
    const files = entries.filter((e) => e.kind !== 'd').length;
    const split = splitDrift(drift);
    if (drift.length === 0) return { kind: 'ok', msg: `${dest} matches all ${entries.length} members of ${src}`, data };

    const parts = [
      ...(split.files.length ? [`${split.files.length} of ${files} files differ: ${describeDrift(split.files)}`] : []),
      ...(split.dirs.length ? [`${split.dirs.length} directories to create`] : []),
      ...(split.chowns.length ? [`${split.chowns.length} members owned wrongly`] : []),
    ];
    data.changed_files = drift.map((d) => displayName(d.entry.name));
    const extractSource: ExtractSource = isUrl
      ? { kind: 'url', url: src, fetch, tool: probe.tool ?? 'curl' }
      : remoteSrc
        ? { kind: 'remote', path: src }
        : { kind: 'controller', bytes: Buffer.alloc(0) };
    const job: ExtractJob = { source: extractSource, archiveSha, dest, spec, drift, ...own };
    const destOf = new Map(probe.members.map((m) => [m.entry.name, m.dest] as const));
    if (ctx.check) recordExtraction(ctx, { dest, drift, destOf, entries, opts });
    return {
      kind: 'change',
      msg: `extract ${src} into ${dest}: ${parts.join('; ')}`,
      diff: [driftDiff(src, dest, drift, destOf, opts)],
      data,
      apply: () => extract(ctx, job, local?.file, { files, dest, data }),
    };
  },
};

/** How check mode reads a remote src that an earlier task would write. */
type PredictedSource =
  | { kind: 'missing' }
  | { kind: 'cached'; manifest: CachedManifest }
  | { kind: 'stream'; url: string; archiveSha?: string }
  | { kind: 'unknown'; msg: string };

/**
 * A src an earlier task would download: its manifest from the controller's cache when its sha256 is
 * known, else by streaming its origin URL through tar on the host (read-only, nothing written).
 */
function predictSource(src: string, host: string, state: PredictedFile, spec: ManifestSpec): PredictedSource {
  if (state.type === 'absent' || state.type === 'directory') return { kind: 'missing' };
  if (state.type === 'link') return { kind: 'unknown', msg: `${src} would be a symlink to ${state.target} on ${host}; cannot predict what extracting it would change` };
  const cached = state.checksum ? manifestBySha(state.checksum, spec) : undefined;
  if (cached) return { kind: 'cached', manifest: cached };
  const url = state.origin?.url;
  const why = `${src} would be written by an earlier task`;
  if (!url) return { kind: 'unknown', msg: `${why}, and neither its download URL nor a cached manifest of its content is known; cannot predict what extracting it would change` };
  if (spec.format.kind === 'zip' || spec.format.compression === 'auto') {
    return { kind: 'unknown', msg: `${why} from ${url}, which cannot be read as a stream (${formatLabel(spec.format)} without a known compression) and has no cached manifest; cannot predict what extracting it would change` };
  }
  return { kind: 'stream', url, ...(state.checksum ? { archiveSha: state.checksum } : {}) };
}

/** Check mode: lays the predicted state of member paths over the host's. Returns why it cannot, if so. */
function overlayPredicted(ctx: ModuleContext, dest: string, members: MemberState[]): string | undefined {
  for (const m of members) {
    const at = memberPath(dest, m.entry.name);
    const state = ctx.predicted.file(at);
    if (!state) continue;
    const member = predictedMember(m.entry, state);
    if (typeof member === 'string') return `${at}: ${member}; cannot predict the extraction`;
    m.dest = member;
  }
  return undefined;
}

/** Check mode: records what the extraction would write. */
function recordExtraction(
  ctx: ModuleContext,
  { dest, drift, destOf, entries, opts }: { dest: string; drift: Drift[]; destOf: Map<string, DestMember>; entries: ManifestEntry[]; opts: CompareOptions },
): void {
  const byName = new Map(entries.map((e) => [e.name, e] as const));
  for (const d of drift) {
    const state = stateAfter(d, destOf.get(d.entry.name) ?? { type: 'absent' }, byName, opts);
    if (state) ctx.predicted.setFile(memberPath(dest, d.entry.name), state);
  }
}

async function extract(ctx: ModuleContext, job: ExtractJob, localFile: string | undefined, report: { files: number; dest: string; data: ResultData }): Promise<ApplyOutcome> {
  if (job.source.kind === 'controller' && localFile) job.source = { kind: 'controller', bytes: readControllerFile(localFile, ARCHIVE_LIMITS) };
  const r = await ctx.run(extractScript(job), { stdin: extractStdin(job) });
  if (r.exitCode === 0) rememberHashes(ctx, r.stdout);
  const err = r.stderr.trim();
  const data = report.data;
  if (r.exitCode === EXTRACT_EXIT.fetch) return { kind: 'failed', msg: `cannot download ${String(data.src)}: ${err}`, data };
  if (r.exitCode === EXTRACT_EXIT.changed) {
    return { kind: 'failed', msg: `archive ${String(data.src)} changed between plan and apply (sha256 ${job.archiveSha} planned, ${r.stdout.replace(/^archive_sha=/, '').trim()} found); nothing extracted`, data };
  }
  if (r.exitCode === EXTRACT_EXIT.unpack) return { kind: 'failed', msg: `unpacking ${String(data.src)} failed: ${err}`, data };
  if (r.exitCode !== 0) return { kind: 'failed', msg: `extracting into ${report.dest} failed: ${err || `exit ${r.exitCode}`}`, data };
  const { files, dirs, chowns } = splitDrift(job.drift);
  const changed = [
    files.length ? `${files.length} changed: ${describeDrift(files)}` : '0 changed',
    ...(dirs.length ? [`created ${dirs.length} directories`] : []),
    ...(chowns.length ? [`set owner of ${chowns.length}`] : []),
  ].join('; ');
  return { kind: 'changed', msg: `extracted ${report.files} files into ${report.dest} (${changed})`, data };
}

/** The path a member lands at ("./bin/" in /usr/local → /usr/local/bin). */
function memberPath(dest: string, name: string): string {
  return path.posix.join(dest, name).replace(/(.)\/+$/, '$1');
}

function driftDiff(src: string, dest: string, drift: Drift[], destOf: Map<string, DestMember>, opts: { root: boolean; umask: number }): DiffEntry {
  const before = drift.map((d) => `${displayName(d.entry.name)}: ${describeDest(destOf.get(d.entry.name))}`);
  const after = drift.map((d) => `${displayName(d.entry.name)}: ${describeEntry(d.entry, opts)}`);
  return { header: `members of ${src} in ${dest}`, before: `${before.join('\n')}\n`, after: `${after.join('\n')}\n` };
}

function describeDest(d: DestMember | undefined): string {
  if (!d || d.type === 'absent') return 'absent';
  const attrs = `${d.mode ?? '?'} ${d.owner ?? '?'}:${d.group ?? '?'}`;
  if (d.type === 'link') return `symlink to ${d.value ?? '?'}`;
  if (d.type === 'file') return `file ${attrs}${d.value && d.value !== 'same' ? ` sha256 ${d.value.slice(0, 12)}` : ''}`;
  return `${d.type} ${attrs}`;
}

function describeEntry(e: ManifestEntry, opts: { root: boolean; umask: number }): string {
  const mode = e.mode ? expectedMode(e.mode, opts) : '?';
  switch (e.kind) {
    case 'f':
      return `file ${mode} sha256 ${(e.value ?? '?').slice(0, 12)}`;
    case 'd':
      return `directory ${mode}`;
    case 'l':
      return `symlink to ${e.value ?? '?'}`;
    case 'h':
      return `hard link to ${displayName(e.value ?? '?')}`;
    case 'o':
      return 'special file';
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function owners(args: Record<string, unknown>): { owner?: string; group?: string } {
  for (const key of ['owner', 'group'] as const) if (typeof args[key] === 'string') requireAccountName(key, args[key]);
  return {
    ...(typeof args.owner === 'string' ? { owner: args.owner } : {}),
    ...(typeof args.group === 'string' ? { group: args.group } : {}),
  };
}
