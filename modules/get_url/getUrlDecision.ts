// get_url's decision: from the probe's facts to ok / attributes-only / download / failed. Pure.
import path from 'node:path';
import type { DiffEntry } from '../../engine/types.ts';
import { attributeDiffs, type WantedAttributes } from '../lib/attributes.ts';
import { noDownloaderMessage, pickChecksum, type ChecksumSpec } from '../lib/download.ts';
import type { GetUrlProbe } from './getUrlProbe.ts';

/** The task as the decision sees it. */
export interface GetUrlRequest {
  host: string;
  url: string;
  fileName: string;
  force: boolean;
  checksum?: ChecksumSpec;
  wanted: WantedAttributes;
  /** Ansible's tmp_dest, which must be a directory when a download happens. */
  tmpDest?: string;
}

/** What get_url will do on this host. `expected` is the sha256 the download must have, when known. */
export type GetUrlDecision =
  | { kind: 'failed'; msg: string }
  | { kind: 'ok'; msg: string; expected?: string }
  | { kind: 'attributes'; msg: string; diff: DiffEntry[]; expected?: string }
  | { kind: 'download'; msg: string; diff: DiffEntry[]; expected?: string; compareWithDest: boolean };

/** Decides what to do from the probe. Ansible semantics: an existing dest without checksum or force is left alone. */
export function decideGetUrl(probe: GetUrlProbe, req: GetUrlRequest): GetUrlDecision {
  const p = probe.path;
  if (probe.destIsDir && !req.fileName)
    return { kind: 'failed', msg: `dest is a directory and the URL ${req.url} has no file name to save as` };
  // In check mode the probe already carries what earlier tasks would create (see predictProbe).
  if (!probe.parentIsDir) return { kind: 'failed', msg: `destination directory ${path.posix.dirname(p)} does not exist` };
  const t = probe.target;
  if (t.type === 'directory' || t.type === 'other') return { kind: 'failed', msg: `${p} exists and is not a regular file (${t.type})` };
  const noTool: GetUrlDecision = { kind: 'failed', msg: noDownloaderMessage(req.host) };

  let expected: string | undefined;
  if (req.checksum?.kind === 'digest') expected = req.checksum.sha256;
  if (req.checksum?.kind === 'url') {
    const sums = probe.sums;
    if (probe.tool === '') return noTool;
    if (sums?.rc !== 0)
      return { kind: 'failed', msg: `cannot fetch checksum file ${req.checksum.url}: ${sums?.text || `exit ${sums?.rc}`}` };
    try {
      expected = pickChecksum(sums.text, req.fileName, req.checksum.url);
    } catch (err) {
      return { kind: 'failed', msg: (err as Error).message };
    }
  }
  const withExpected = expected ? { expected } : {};
  const attributesOr = (okMsg: string): GetUrlDecision => {
    const diff = t.type === 'file' ? attributeDiffs(p, t, req.wanted) : [];
    if (diff.length === 0) return { kind: 'ok', msg: okMsg, ...withExpected };
    return { kind: 'attributes', msg: `set ${diff.map((d) => d.header.split(' ')[0]).join('/')} of ${p}`, diff, ...withExpected };
  };
  const download = (reason: string, compareWithDest: boolean): GetUrlDecision => {
    if (probe.tool === '') return noTool;
    const badTmp = tmpDestProblem(probe, req);
    if (badTmp) return badTmp;
    const before = t.type === 'file' ? (t.sum ? `sha256 ${t.sum}` : `${t.size} bytes`) : 'absent';
    const after = expected ? `sha256 ${expected}` : `content of ${req.url}`;
    return {
      kind: 'download',
      msg: `download ${req.url} to ${p} (${reason})`,
      diff: [{ header: `content of ${p}`, before, after }, ...(t.type === 'file' ? attributeDiffs(p, t, req.wanted) : [])],
      compareWithDest,
      ...withExpected,
    };
  };

  if (t.type === 'absent') return download(`${p} does not exist`, false);
  if (expected) {
    if (t.sum === expected) return attributesOr(`${p} already has sha256 ${expected}`);
    return download(`${p} has sha256 ${t.sum ?? 'unknown'}, expected ${expected}`, false);
  }
  if (!req.force) return attributesOr(`${p} exists (no checksum given and force is false)`);
  if (probe.tool === '') return noTool;
  const stream = probe.stream;
  // force without checksum streams the URL first; a failed stream fails before tmp_dest is looked at.
  if (stream?.rc !== 0) return { kind: 'failed', msg: `cannot fetch ${req.url}: ${probe.stderr || `exit ${stream?.rc ?? 'unknown'}`}` };
  // Ansible downloads whenever force is set, so a bad tmp_dest fails even when the content is the same.
  const badTmp = tmpDestProblem(probe, req);
  if (badTmp) return badTmp;
  if (stream.sum === t.sum) return attributesOr(`${p} is identical to ${req.url} (sha256 ${t.sum})`);
  return download(`content of ${req.url} differs from ${p}`, true);
}

/** Ansible's failure for a tmp_dest that is not a directory; it looks only when it downloads. */
function tmpDestProblem(probe: GetUrlProbe, req: GetUrlRequest): GetUrlDecision | undefined {
  if (req.tmpDest === undefined) return undefined;
  if (probe.tmpDest === 'other') return { kind: 'failed', msg: `${req.tmpDest} is a file but should be a directory.` };
  if (probe.tmpDest === 'absent') return { kind: 'failed', msg: `${req.tmpDest} directory does not exist.` };
  return undefined;
}
