// unarchive: unpack a tar (gz/xz/bz2/zst) or zip archive into an existing directory on the host.
//
// Idempotence without state on the host: the plan compares every member of the archive (after
// extra_opts such as --strip-components) with the path under dest: type, sha256, mode, link target.
// That notices a new archive version and drift (a file deleted or altered) alike, in one remote command.
// The manifest of an archive version is cached on the controller (see lib/manifestCache.ts), so a
// no-op run hashes the archive and the dest files but does not decompress the archive.
// Apply unpacks into a staging directory in dest and renames only the differing members into place.
// `owner`/`group` apply to every extracted member (and are checked); `mode` is not supported (Ansible
// applies one mode to every member, files and directories alike).
import { readFileSync, statSync } from 'node:fs';
import type { ApplyOutcome, DiffEntry, ModuleContext, ModuleDefinition, Plan, ResultData } from '../engine/types.ts';
import { describeDrift, expectedMode, findDrift, splitDrift, type Drift } from './lib/archiveCompare.ts';
import { EXTRACT_EXIT, extractScript, extractStdin, type ExtractJob, type ExtractSource } from './lib/archiveExtract.ts';
import { formatFromName, formatLabel, requiredPrograms, type ArchiveFormat } from './lib/archiveFormat.ts';
import { displayName, manifestText, type ManifestEntry, type ManifestSpec } from './lib/archiveManifest.ts';
import { archiveProbeScript, parseArchiveProbe, type DestMember, type ProbeSource } from './lib/archiveProbe.ts';
import { noDownloaderMessage, urlFileName, type FetchOptions } from './lib/download.ts';
import { localManifest } from './lib/localManifest.ts';
import { cachedManifests, rememberManifest } from './lib/manifestCache.ts';

const URL_RE = /^(https?|ftp):\/\//i;

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
      owner: { type: 'string', minLength: 1 },
      group: { type: 'string', minLength: 1 },
      list_files: { type: 'boolean' },
      validate_certs: { type: 'boolean' },
    },
    required: ['src', 'dest'],
    additionalProperties: false,
  },
  async plan(args, ctx) {
    const src = String(args.src);
    const dest = String(args.dest);
    const isUrl = URL_RE.test(src);
    const format: ArchiveFormat | undefined = formatFromName(isUrl ? urlFileName(src) : src) ?? (isUrl ? undefined : { kind: 'tar', compression: 'auto' });
    if (!format) return { kind: 'failed', msg: `cannot tell the archive format of ${src} from its name (.tar.gz, .tgz, .tar.xz, .tar.bz2, .tar, .zip)` };
    const spec: ManifestSpec = { format, extraOpts: strings(args.extra_opts), include: strings(args.include) };
    if (format.kind === 'zip' && spec.extraOpts.length) return { kind: 'failed', msg: 'extra_opts is supported for tar archives only' };
    if (format.kind === 'zip' && isUrl) return { kind: 'failed', msg: `zip archives cannot be read from a URL; download ${src} with get_url, then use remote_src: true` };
    const fetch: FetchOptions = { timeoutSec: 10, validateCerts: args.validate_certs !== false };
    const data: ResultData = { dest, src, handler: formatLabel(format) };

    let source: ProbeSource;
    let cacheKey = '';
    let stdin = '';
    let local: { file: string; archiveSha: string } | undefined;
    if (isUrl) {
      source = { kind: 'url', url: src, fetch };
      cacheKey = src;
    } else if (args.remote_src === true) {
      source = { kind: 'remote', path: src };
      cacheKey = `host:${src}`;
    } else {
      const file = ctx.resolveLocalPath(src, 'files');
      if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return { kind: 'failed', msg: `${file} does not exist on the controller`, data };
      let manifest;
      try {
        manifest = await localManifest(file, spec);
      } catch (err) {
        return { kind: 'failed', msg: (err as Error).message, data };
      }
      source = { kind: 'given' };
      stdin = `${manifestText(manifest.entries)}\n`;
      local = { file, archiveSha: manifest.archiveSha };
    }
    if (cacheKey) stdin = cachedManifests(cacheKey, spec).map((m) => `@${m.archiveSha}\n${manifestText(m.entries)}\n`).join('');

    const r = await ctx.run(
      archiveProbeScript({ source, dest, spec, programs: requiredPrograms(format), ...(typeof args.creates === 'string' ? { creates: args.creates } : {}) }),
      { stdin },
    );
    const err = r.stderr.trim();
    if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot inspect ${dest}: ${err || `exit ${r.exitCode}`}`, data };
    const probe = parseArchiveProbe(r.stdout);
    if (probe.createsExists) return { kind: 'ok', msg: `${String(args.creates)} exists`, data };
    if (probe.destMissing) {
      const msg = `dest ${dest} does not exist or is not a directory`;
      // TODO(predicted state): as for src below, an earlier task (file: state=directory) may create dest.
      return ctx.check ? { kind: 'unknown', msg: `${msg} yet (an earlier task may create it); cannot predict the extraction`, data } : { kind: 'failed', msg, data };
    }
    if (probe.missingPrograms.length) {
      return { kind: 'failed', msg: `cannot unpack ${src} on ${ctx.host}: ${probe.missingPrograms.join(', ')} not installed there`, data };
    }
    if (probe.noDownloader) return { kind: 'failed', msg: noDownloaderMessage(ctx.host), data };
    if (probe.fetchRc !== undefined && probe.fetchRc !== 0) return { kind: 'failed', msg: `cannot download ${src}: ${err || `exit ${probe.fetchRc}`}`, data };
    if (probe.srcMissing) {
      // TODO(predicted state): when an earlier task of the play would create src (get_url, copy), check
      // mode could plan against that prediction instead of giving up.
      const msg = `${src} does not exist on ${ctx.host}`;
      return ctx.check ? { kind: 'unknown', msg: `${msg} yet (an earlier task may create it); cannot predict what extracting it would change`, data } : { kind: 'failed', msg, data };
    }
    if (probe.manifest === 'fresh' && probe.manifestRc !== 0) return { kind: 'failed', msg: `cannot read archive ${src}: ${err || `exit ${probe.manifestRc}`}`, data };
    const archiveSha = local?.archiveSha ?? probe.archiveSha;
    if (!archiveSha || !probe.manifest) return { kind: 'failed', msg: `unexpected probe output for ${src}: ${err || r.stdout.slice(0, 200)}`, data };
    const entries = probe.members.map((m) => m.entry);
    if (probe.manifest === 'fresh') rememberManifest(cacheKey, spec, { archiveSha, entries });

    data.archive_sha256 = archiveSha;
    if (args.list_files === true) data.files = entries.map((e) => displayName(e.name));
    const opts = { root: probe.uid === 0, umask: probe.umask, ...owners(args) };
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
    const extractSource: ExtractSource =
      source.kind === 'url'
        ? { kind: 'url', url: src, fetch, tool: probe.tool ?? 'curl' }
        : source.kind === 'remote'
          ? { kind: 'remote', path: src }
          : { kind: 'controller', bytes: Buffer.alloc(0) };
    const job: ExtractJob = { source: extractSource, archiveSha, dest, spec, drift, ...owners(args) };
    const destOf = new Map(probe.members.map((m) => [m.entry.name, m.dest] as const));
    return {
      kind: 'change',
      msg: `extract ${src} into ${dest}: ${parts.join('; ')}`,
      diff: [driftDiff(src, dest, drift, destOf, opts)],
      data,
      apply: () => extract(ctx, job, local?.file, { files, dest, data }),
    };
  },
};

async function extract(ctx: ModuleContext, job: ExtractJob, localFile: string | undefined, report: { files: number; dest: string; data: ResultData }): Promise<ApplyOutcome> {
  if (job.source.kind === 'controller' && localFile) job.source = { kind: 'controller', bytes: readFileSync(localFile) };
  const r = await ctx.run(extractScript(job), { stdin: extractStdin(job) });
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
  return {
    ...(typeof args.owner === 'string' ? { owner: args.owner } : {}),
    ...(typeof args.group === 'string' ? { group: args.group } : {}),
  };
}
