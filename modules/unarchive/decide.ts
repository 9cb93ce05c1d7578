// unarchive's decision from what probe read: pure. Every member of the archive is compared with the
// path under dest (in check mode with the state earlier tasks would leave laid over the host's).
import path from 'node:path';
import type { Decision, ModuleView } from '../../engine/module.ts';
import type { DiffEntry, ResultData } from '../../engine/types.ts';
import { noDownloaderMessage } from '../lib/download.ts';
import {
  describeDrift,
  expectedMode,
  findDrift,
  predictedMember,
  splitDrift,
  stateAfter,
  type CompareOptions,
  type Drift,
} from './archiveCompare.ts';
import type { ExtractJob, ExtractSource } from './archiveExtract.ts';
import { displayName, type ManifestEntry } from './archiveManifest.ts';
import type { DestMember, MemberState } from './archiveProbe.ts';
import type { MemberPrediction, UnarchiveChange, UnarchiveFacts, Verdict } from './types.ts';

type UnarchiveDecision = Decision<UnarchiveChange>;
type Probed = Extract<UnarchiveFacts, { kind: 'probed' }>;

export function decideUnarchive(facts: UnarchiveFacts, view: Pick<ModuleView, 'host' | 'check' | 'predicted'>): UnarchiveDecision {
  if (facts.kind === 'verdict') return facts.verdict;
  const verdict = afterProbe(facts, view.host);
  if (verdict) return verdict;
  const { task, probe } = facts;
  const { src, dest } = task;
  const archiveSha = (facts.archiveSha ?? probe.archiveSha) as string;
  const entries = probe.members.map((m) => m.entry);
  let members = probe.members;
  if (view.check) {
    const overlaid = overlayPredicted(view, dest, members);
    if (typeof overlaid === 'string') return { kind: 'unknown', msg: overlaid, data: facts.data };
    members = overlaid;
  }

  const data: ResultData = { ...facts.data, ...destInfo(view, facts), archive_sha256: archiveSha };
  if (task.listFiles) data.files = entries.map((e) => displayName(e.name));
  const opts: CompareOptions = {
    root: probe.uid === 0,
    umask: probe.umask,
    ...task.own,
    ...(task.mode ? { mode: task.mode } : {}),
    keepNewer: task.keepNewer,
  };
  const drift = findDrift(members, opts);
  const files = entries.filter((e) => e.kind !== 'd').length;
  const split = splitDrift(drift);
  if (drift.length === 0) return { kind: 'ok', msg: `${dest} matches all ${entries.length} members of ${src}`, data };

  const parts = [
    ...(split.files.length ? [`${split.files.length} of ${files} files differ: ${describeDrift(split.files)}`] : []),
    ...(split.dirs.length ? [`${split.dirs.length} directories to create`] : []),
    ...(split.chowns.length ? [`${split.chowns.length} members owned wrongly`] : []),
    ...(split.kept.length ? [`${split.kept.length} newer files kept (keep_newer)`] : []),
  ];
  const changing = drift.filter((d) => d.action !== 'keep');
  data.changed_files = changing.map((d) => displayName(d.entry.name));
  const extractSource: ExtractSource = task.isUrl
    ? { kind: 'url', url: src, fetch: task.fetch, tool: probe.tool ?? 'curl' }
    : task.remoteSrc
      ? { kind: 'remote', path: src }
      : { kind: 'controller', bytes: Buffer.alloc(0) };
  const job: ExtractJob = {
    source: extractSource,
    archiveSha,
    dest,
    spec: task.spec,
    drift,
    ...task.own,
    ...(task.mode ? { mode: task.mode } : {}),
  };
  const destOf = new Map(members.map((m) => [m.entry.name, m.dest] as const));
  return {
    kind: 'change',
    msg: `extract ${src} into ${dest}: ${parts.join('; ')}`,
    ...(changing.length ? { diff: [driftDiff(src, dest, changing, destOf, opts)] } : {}),
    data,
    summary: [{ verb: 'extract', object: 'archive' }],
    change: {
      job,
      ...(facts.localFile ? { localFile: facts.localFile } : {}),
      src,
      dest,
      files,
      data,
      owner: facts.owner,
      predictions: view.check ? extraction({ dest, drift, destOf, entries, opts }) : [],
    },
  };
}

/**
 * What the probe's answer says before any member is compared: ok (creates exists), failed (dest, src,
 * programs or the download missing, the archive unreadable) or unknown; undefined when it holds.
 */
export function afterProbe(facts: Probed, host: string): Verdict | undefined {
  const { task, probe, data, err, predictedSrc } = facts;
  const { src, dest } = task;
  if (facts.exitCode !== 0) return { kind: 'failed', msg: `cannot inspect ${dest}: ${err || `exit ${facts.exitCode}`}`, data };
  if (probe.createsExists) return { kind: 'ok', msg: `${task.creates} exists`, data };
  // In check mode a dest or src that neither the host has nor an earlier task creates fails the real run too.
  if (probe.destMissing || facts.destWouldBeMissing)
    return { kind: 'failed', msg: `dest ${dest} does not exist or is not a directory`, data };
  if (probe.missingPrograms.length) {
    // Ansible's words (pick_handler and can_handle_archive), with the host.
    const missing = probe.missingPrograms.join("' or '");
    const msg = `Failed to find handler for "${src}" on ${host}. Make sure the required command to extract the file is installed. Unable to find required '${missing}' binary in the path.`;
    return { kind: 'failed', msg, data };
  }
  if (probe.srcMissing || predictedSrc?.kind === 'missing') return { kind: 'failed', msg: `${src} does not exist on ${host}`, data };
  if (probe.noDownloader) return { kind: 'failed', msg: noDownloaderMessage(host), data };
  if (probe.fetchRc !== undefined && probe.fetchRc !== 0) {
    const why = err || `exit ${probe.fetchRc}`;
    if (predictedSrc?.kind === 'stream')
      return { kind: 'unknown', msg: `cannot read ${predictedSrc.url}, which an earlier task would download to ${src}: ${why}`, data };
    return { kind: 'failed', msg: `cannot download ${src}: ${why}`, data };
  }
  if (probe.manifest === 'fresh' && probe.manifestRc !== 0)
    return { kind: 'failed', msg: `Unable to list files in the archive: ${err || `exit ${probe.manifestRc}`} (reading ${src})`, data };
  const archiveSha = facts.archiveSha ?? probe.archiveSha;
  if (!archiveSha || !probe.manifest)
    return { kind: 'failed', msg: `unexpected probe output for ${src}: ${err || facts.stdoutHead}`, data };
  if (predictedSrc?.kind === 'stream' && predictedSrc.archiveSha && predictedSrc.archiveSha !== archiveSha) {
    const msg = `${predictedSrc.url} now has sha256 ${archiveSha}, but the earlier download to ${src} was planned for sha256 ${predictedSrc.archiveSha}`;
    return { kind: 'unknown', msg: `${msg}; cannot predict the extraction`, data };
  }
  return undefined;
}

/** Check mode: the members with the predicted state of their paths laid over the host's; a string says why that cannot be. */
function overlayPredicted(view: Pick<ModuleView, 'predicted'>, dest: string, members: MemberState[]): MemberState[] | string {
  const out: MemberState[] = [];
  for (const m of members) {
    const at = memberPath(dest, m.entry.name);
    const state = view.predicted.file(at);
    if (!state) {
      out.push(m);
      continue;
    }
    const member = predictedMember(m.entry, state);
    if (typeof member === 'string') return `${at}: ${member}; cannot predict the extraction`;
    out.push({ entry: m.entry, dest: member });
  }
  return out;
}

/** Check mode: what the extraction would write. */
function extraction({
  dest,
  drift,
  destOf,
  entries,
  opts,
}: {
  dest: string;
  drift: Drift[];
  destOf: Map<string, DestMember>;
  entries: ManifestEntry[];
  opts: CompareOptions;
}): MemberPrediction[] {
  const byName = new Map(entries.map((e) => [e.name, e] as const));
  const out: MemberPrediction[] = [];
  for (const d of drift) {
    const state = stateAfter(d, destOf.get(d.entry.name) ?? { type: 'absent' }, byName, opts);
    if (state) out.push({ path: memberPath(dest, d.entry.name), state });
  }
  return out;
}

/**
 * dest's attributes as Ansible's result reports them (it adds the path's uid, gid, owner, group, mode,
 * size and state); in check mode an earlier task's prediction of dest wins for what it names.
 */
function destInfo(view: Pick<ModuleView, 'check' | 'predicted'>, facts: Probed): ResultData {
  const seen = facts.probe.destInfo;
  const p = view.check ? view.predicted.file(facts.task.dest) : undefined;
  if (!seen && p?.type !== 'directory') return {};
  return {
    ...(seen ? { uid: seen.uid, gid: seen.gid, size: seen.size, owner: seen.owner, group: seen.group, mode: seen.mode } : {}),
    ...(p?.type === 'directory'
      ? { ...(p.owner ? { owner: p.owner } : {}), ...(p.group ? { group: p.group } : {}), ...(p.mode ? { mode: p.mode } : {}) }
      : {}),
    state: 'directory',
  };
}

/** The path a member lands at ("./bin/" in /usr/local → /usr/local/bin). */
function memberPath(dest: string, name: string): string {
  return path.posix.join(dest, name).replace(/(.)\/+$/, '$1');
}

function driftDiff(
  src: string,
  dest: string,
  drift: Drift[],
  destOf: Map<string, DestMember>,
  opts: { root: boolean; umask: number },
): DiffEntry {
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
