// get_url's decision from what probe read: pure. The choice between ok, attributes only, download and
// failed is decideGetUrl's (getUrlDecision.ts); this adds the registered data, check mode's URL check
// and the state check mode records.
import type { Decision, ModuleView } from '../../engine/module.ts';
import type { PredictedFile, ResultData } from '../../engine/types.ts';
import { decideGetUrl } from './getUrlDecision.ts';
import type { GetUrlProbe } from './getUrlProbe.ts';
import type { DownloadJob, FilePrediction, GetUrlChange, GetUrlFacts } from './types.ts';
import { judgeUrlCheck, type UrlVerdict } from './urlCheck.ts';

type GetUrlDecision = Decision<GetUrlChange>;

/** Every change of get_url counts as a download in the plan summary (as the printer has always said). */
const SUMMARY = [{ verb: 'download', object: 'file' }];

export function decideGetUrlTask(facts: GetUrlFacts, view: Pick<ModuleView, 'host' | 'check' | 'predicted'>): GetUrlDecision {
  if (facts.kind === 'verdict') return facts.verdict;
  const { task, probe, owner } = facts;
  const { url, dest, fileName, force, wanted, checksum, fetch, backup, tmpDest } = task;
  const decision = decideGetUrl(probe, {
    host: view.host,
    url,
    fileName,
    force,
    wanted,
    ...(checksum ? { checksum } : {}),
    ...(tmpDest !== undefined ? { tmpDest } : {}),
  });
  const data: ResultData = {
    dest: probe.path || dest,
    url,
    ...(probe.target.type === 'file' ? { size: probe.target.size, ...(probe.target.sum ? { checksum_dest: probe.target.sum } : {}) } : {}),
    ...('expected' in decision && decision.expected ? { checksum_src: decision.expected } : {}),
  };
  switch (decision.kind) {
    case 'failed':
      return { kind: 'failed', msg: decision.msg, data };
    case 'ok':
      return { kind: 'ok', msg: decision.msg, data };
    case 'attributes': {
      const prediction = view.check ? { path: probe.path, state: { ...currentFile(view, probe), ...wanted } } : undefined;
      return {
        kind: 'change',
        msg: decision.msg,
        diff: decision.diff,
        data,
        summary: SUMMARY,
        change: { kind: 'attributes', path: probe.path, wanted, msg: decision.msg, data, ...(prediction ? { prediction } : {}) },
      };
    }
    case 'download': {
      const job: DownloadJob = {
        url,
        path: probe.path,
        tool: probe.tool,
        fetch,
        wanted,
        compareWithDest: decision.compareWithDest,
        backup,
        ...(tmpDest !== undefined ? { tmpDest } : {}),
      };
      if (decision.expected) job.expected = decision.expected;
      const verdict: UrlVerdict | undefined =
        facts.urlCheck === undefined
          ? undefined
          : typeof facts.urlCheck === 'string'
            ? { kind: 'unknown', msg: facts.urlCheck }
            : judgeUrlCheck(facts.urlCheck, url);
      if (verdict?.kind === 'failed') return { kind: 'failed', msg: verdict.msg, data };
      const prediction = view.check ? predictDownload(probe, job, data) : undefined;
      if (verdict?.kind === 'unknown') {
        return { kind: 'unknown', msg: verdict.msg, data, ...(prediction ? { record: prediction } : {}) };
      }
      return {
        kind: 'change',
        msg: decision.msg,
        diff: decision.diff,
        data,
        summary: SUMMARY,
        change: { kind: 'download', job, data, owner, ...(prediction ? { prediction } : {}) },
      };
    }
  }
}

/** The file at dest as check mode sees it (its earlier prediction, else what the probe found). */
function currentFile(view: Pick<ModuleView, 'predicted'>, probe: GetUrlProbe): PredictedFile & { type: 'file' } {
  const known = view.predicted.file(probe.path);
  if (known?.type === 'file') return known;
  const t = probe.target;
  if (t.type !== 'file') return { type: 'file' };
  return { type: 'file', mode: t.mode, owner: t.owner, group: t.group, size: t.size, ...(t.sum ? { checksum: t.sum } : {}) };
}

/**
 * Check mode: the file the download would leave; puts in `data` what the real run would register (the
 * downloaded sha256 when it is known in advance).
 */
function predictDownload(probe: GetUrlProbe, job: DownloadJob, data: ResultData): FilePrediction {
  // force without checksum: the streamed sum is the content the download would get.
  const sum = job.expected ?? (job.compareWithDest ? probe.stream?.sum : undefined);
  const before = probe.target.type === 'file' ? probe.target : undefined;
  // The download keeps dest's mode and owner (chmod/chown --reference), else a new file gets 0666 & ~umask.
  const mode = job.wanted.mode ?? before?.mode ?? (0o666 & ~probe.umask).toString(8).padStart(4, '0');
  const owner = job.wanted.owner ?? before?.owner;
  const group = job.wanted.group ?? before?.group;
  delete data.size;
  delete data.checksum_dest;
  if (sum) Object.assign(data, { checksum_src: sum, checksum_dest: sum });
  return {
    path: job.path,
    state: {
      type: 'file',
      ...(sum ? { checksum: sum } : {}),
      mode,
      ...(owner ? { owner } : {}),
      ...(group ? { group } : {}),
      origin: { url: job.url },
    },
  };
}
