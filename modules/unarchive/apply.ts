// unarchive's apply: unpack into a staging directory in dest and rename only the differing members
// into place (archiveExtract.ts). A controller-side archive is read here, and sent on stdin.
import type { ModuleHost } from '../../engine/module.ts';
import type { ApplyOutcome } from '../../engine/types.ts';
import { MAX_ARCHIVE_BYTES, readControllerFile } from '../lib/controllerFile.ts';
import { rememberHashes } from '../lib/hashCache.ts';
import { describeDrift, splitDrift } from './archiveCompare.ts';
import { EXTRACT_EXIT, extractScript, extractStdin, type ExtractJob } from './archiveExtract.ts';
import type { UnarchiveChange } from './types.ts';

/** How a controller-side archive is read. */
export const ARCHIVE_LIMITS = { what: 'unarchive src', maxBytes: MAX_ARCHIVE_BYTES };

export async function applyUnarchive(change: UnarchiveChange, host: ModuleHost): Promise<ApplyOutcome> {
  let job: ExtractJob = change.job;
  const { files, dirs, chowns, kept } = splitDrift(job.drift);
  const keptOnly = kept.length ? `kept ${kept.length} newer files (keep_newer)` : '';
  // Only newer files that keep_newer keeps: nothing to extract, and changed, as Ansible reports it.
  if (files.length + dirs.length + chowns.length === 0)
    return { kind: 'changed', msg: `extracted nothing into ${change.dest} (${keptOnly})`, data: change.data };
  if (job.source.kind === 'controller' && change.localFile)
    job = { ...job, source: { kind: 'controller', bytes: readControllerFile(change.localFile, ARCHIVE_LIMITS) } };
  const r = await host.run(extractScript(job), { stdin: extractStdin(job) });
  if (r.exitCode === 0) rememberHashes(change.owner, r.stdout);
  const err = r.stderr.trim();
  const { data, src } = change;
  if (r.exitCode === EXTRACT_EXIT.fetch) return { kind: 'failed', msg: `cannot download ${src}: ${err}`, data };
  if (r.exitCode === EXTRACT_EXIT.changed) {
    return {
      kind: 'failed',
      msg: `archive ${src} changed between plan and apply (sha256 ${job.archiveSha} planned, ${r.stdout.replace(/^archive_sha=/, '').trim()} found); nothing extracted`,
      data,
    };
  }
  if (r.exitCode === EXTRACT_EXIT.unpack) return { kind: 'failed', msg: `unpacking ${src} failed: ${err}`, data };
  if (r.exitCode !== 0) return { kind: 'failed', msg: `extracting into ${change.dest} failed: ${err || `exit ${r.exitCode}`}`, data };
  const changed = [
    files.length ? `${files.length} changed: ${describeDrift(files)}` : '0 changed',
    ...(dirs.length ? [`created ${dirs.length} directories`] : []),
    ...(chowns.length ? [`set owner of ${chowns.length}`] : []),
    ...(keptOnly ? [keptOnly] : []),
  ].join('; ');
  return { kind: 'changed', msg: `extracted ${change.files} files into ${change.dest} (${changed})`, data };
}
