// get_url's read-only probe: one remote command that finds the downloader, the real dest path and its
// state, the upstream checksum file and (force without checksum) the sha256 of the remote content.
// In check mode predictProbe() lays the state earlier tasks would leave over what the host says.
import path from 'node:path';
import { shellQuote } from '../../engine/quote.ts';
import type { PredictedView } from '../../engine/module.ts';
import type { PredictedFile } from '../../engine/types.ts';
import { DOWNLOADER_PROBE } from '../lib/download.ts';
import { fromPredicted } from '../lib/fileState.ts';
import { hashCacheScript, IDENTITY_FORMAT, type KnownHashes } from '../lib/hashCache.ts';
import { SHA256_PROBE } from '../lib/remoteSha256.ts';
import { hasSecrets, READ_REQUEST, requestCommand, type RequestOptions } from './request.ts';
import { parseUrlCheck, urlCheckFunctions, type UrlCheck } from './urlCheck.ts';

/** What the probe needs to know about the task. */
export interface GetUrlProbeRequest {
  url: string;
  dest: string;
  /** File name taken from the URL, used when dest is a directory ('' if the URL has none). */
  fileName: string;
  fetch: RequestOptions;
  /** Ansible's tmp_dest: the probe says whether it is a directory. */
  tmpDest?: string;
  /** Compute the sha256 of an existing dest file. */
  destSum: boolean;
  /** Fetch this upstream checksum file. */
  sumsUrl?: string;
  /** Stream the URL through sha256 (force without checksum) when dest is a file. */
  streamSum: boolean;
  /** Stream even when dest is not a file on the host (check mode: an earlier task would create it). */
  streamAlways?: boolean;
  /** Hashes remembered for this host: an unchanged dest is not hashed again. */
  hashes?: KnownHashes;
  /**
   * Check mode: ask for the URL (urlCheck.ts) when the host's state makes a download likely — dest
   * missing, or its sha256 not this digest / not in the checksum file. A converged dest asks nothing.
   */
  checkUrl?: { digest?: string };
}

/** What is at the resolved dest path. */
export type DestState =
  | { type: 'absent' }
  | { type: 'file' | 'directory' | 'other'; mode: string; owner: string; group: string; size: number; sum?: string };

/** The parsed probe output. */
export interface GetUrlProbe {
  tool: 'curl' | 'wget' | '';
  /** The umask new files get (a new dest is 0666 & ~umask). */
  umask: number;
  /** dest was a directory, so `path` is dest/<file name from the URL>. */
  destIsDir: boolean;
  path: string;
  parentIsDir: boolean;
  target: DestState;
  /** The upstream checksum file: fetch exit status and body (or the error text). */
  sums?: { rc: number; text: string };
  /** The sha256 of the remote content, streamed without writing anything. */
  stream?: { rc: number; sum: string };
  /** What the probe wrote to stderr (a failed fetch explains itself there). */
  stderr?: string;
  /** Check mode's request for the URL, when the probe made one. */
  urlCheck?: UrlCheck;
  /** What tmp_dest is, when given. */
  tmpDest?: 'directory' | 'other' | 'absent';
}

/** The probe as one shell script. */
export function getUrlProbeScript(req: GetUrlProbeRequest): string {
  const named = req.fileName ? shellQuote(path.posix.join(req.dest, req.fileName)) : "''";
  const lines = [
    // The secrets come on stdin (request.ts); read them before anything else could.
    ...(hasSecrets(req.fetch) ? [READ_REQUEST] : []),
    DOWNLOADER_PROBE,
    SHA256_PROBE,
    hashCacheScript(req.hashes ?? {}),
    // `umask` prints itself: no `$(…)` fork.
    'echo "tool=$FP_TOOL"; printf umask=; umask',
    // A dest ending in '/' names a directory even before it exists (an earlier task may create it).
    req.dest.endsWith('/')
      ? `echo dest_is_dir=1; p=${named}`
      : `p=${shellQuote(req.dest)}; if [ -d "$p" ]; then echo dest_is_dir=1; p=${named}; fi`,
    `printf 'path=%s\\n' "$p"`,
    // dirname by parameter expansion: a fork fewer.
    'case $p in */*) d=${p%/*} ;; *) d=. ;; esac; [ -n "$p" ] && [ -d "${d:-/}" ] && echo parent=dir',
    // One stat for the state and the identity the hash cache looks up.
    `st=; if [ -e "$p" ]; then st=$(stat -L --printf 'type=%F\\nmode=%a\\nowner=%U\\ngroup=%G\\nsize=%s\\nid=${IDENTITY_FORMAT}' -- "$p"); printf '%s\\n' "$st"; fi`,
  ];
  if (req.tmpDest !== undefined) {
    const t = shellQuote(req.tmpDest);
    lines.push(`if [ -d ${t} ]; then echo tmp_dest=directory; elif [ -e ${t} ]; then echo tmp_dest=other; else echo tmp_dest=absent; fi`);
  }
  if (req.destSum) lines.push('if [ -f "$p" ]; then fp_sum "$p" "${st##*id=}"; echo "sum=$FP_SUM"; fi');
  if (req.sumsUrl) {
    lines.push(`out=$(${requestCommand(req.sumsUrl, '-', req.fetch)} 2>&1); printf 'sums_rc=%s\\n' "$?"`);
    // Every line of the body is prefixed, so no line of it can pass for a probe line; a here-document
    // and builtins do it without a process.
    lines.push(`while IFS= read -r l; do printf 'sums:%s\\n' "$l"; done <<FP_SUMS\n$out\nFP_SUMS`);
  }
  if (req.streamSum) {
    const fetch = requestCommand(req.url, '-', req.fetch);
    const stream = `{ { ${fetch}; echo "stream_rc=$?" >&3; } | $FP_SHA | cut -c1-64 | sed 's/^/stream_sum=/'; } 3>&1`;
    lines.push(req.streamAlways ? stream : `if [ -f "$p" ]; then ${stream}; fi`);
  }
  if (req.checkUrl) {
    const digest = req.checkUrl.digest;
    // An existing dest with force and no checksum is streamed above, which already proves the URL.
    const converged = digest
      ? `[ -f "$p" ] && [ "$FP_SUM" = ${shellQuote(digest)} ]`
      : req.sumsUrl
        ? `[ -f "$p" ] && [ -n "$FP_SUM" ] && case "$out" in *"$FP_SUM"*) true ;; *) false ;; esac`
        : '[ -e "$p" ]';
    lines.push(urlCheckFunctions(req.url, req.fetch), `[ -z "$FP_TOOL" ] || [ -z "$p" ] || { ${converged}; } || fp_check`);
  }
  lines.push('exit 0');
  return lines.join('\n');
}

/** Parses the probe's output. */
export function parseGetUrlProbe(output: string, stderr = ''): GetUrlProbe {
  const kv = new Map<string, string>();
  const sums: string[] = [];
  for (const line of output.split('\n')) {
    if (line.startsWith('sums:')) {
      sums.push(line.slice(5));
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0 && !kv.has(line.slice(0, eq))) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const tool = kv.get('tool');
  const typeText = kv.get('type');
  let target: DestState = { type: 'absent' };
  if (typeText !== undefined) {
    const type = typeText.startsWith('regular') ? 'file' : typeText === 'directory' ? 'directory' : 'other';
    const sum = kv.get('sum');
    target = {
      type,
      mode: (kv.get('mode') ?? '0').padStart(4, '0'),
      owner: kv.get('owner') ?? '',
      group: kv.get('group') ?? '',
      size: Number(kv.get('size') ?? 0),
      ...(sum ? { sum } : {}),
    };
  }
  const probe: GetUrlProbe = {
    tool: tool === 'curl' || tool === 'wget' ? tool : '',
    umask: /^[0-7]{1,4}$/.test(kv.get('umask') ?? '') ? parseInt(kv.get('umask') as string, 8) : 0o022,
    destIsDir: kv.get('dest_is_dir') === '1',
    path: kv.get('path') ?? '',
    parentIsDir: kv.get('parent') === 'dir',
    target,
  };
  if (kv.has('sums_rc')) probe.sums = { rc: Number(kv.get('sums_rc')), text: sums.join('\n').trim() };
  if (stderr.trim()) probe.stderr = stderr.trim();
  if (kv.has('stream_rc')) probe.stream = { rc: Number(kv.get('stream_rc')), sum: kv.get('stream_sum') ?? '' };
  const tmpDest = kv.get('tmp_dest');
  if (tmpDest === 'directory' || tmpDest === 'other' || tmpDest === 'absent') probe.tmpDest = tmpDest;
  const urlCheck = parseUrlCheck(output);
  if (urlCheck) probe.urlCheck = urlCheck;
  return probe;
}

/** What predictProbe needs besides the probe. */
export interface PredictRequest {
  dest: string;
  fileName: string;
  /** The decision compares dest's sha256 (a checksum is given, or force). */
  needSum: boolean;
  tmpDest?: string;
}

/**
 * The probe as the real run would see it after the earlier tasks of a check run: a predicted state of
 * dest (a directory to save into, or the file itself) and of its parent directory wins over the host's.
 * A string is the reason the outcome cannot be known.
 */
export function predictProbe(probe: GetUrlProbe, req: PredictRequest, predicted: Pick<PredictedView, 'file'>): GetUrlProbe | string {
  const out: GetUrlProbe = { ...probe };
  // A tmp_dest an earlier task would create (or remove) is what the real run finds.
  const tmp = req.tmpDest !== undefined ? predicted.file(req.tmpDest) : undefined;
  if (tmp && tmp.type !== 'link') out.tmpDest = tmp.type === 'directory' ? 'directory' : tmp.type === 'absent' ? 'absent' : 'other';
  const destState = req.dest.endsWith('/') ? undefined : predicted.file(req.dest);
  if (destState && (destState.type === 'directory') !== probe.destIsDir) {
    // dest would be (or would no longer be) a directory: the file lands elsewhere than the probe looked.
    out.destIsDir = destState.type === 'directory';
    out.path = out.destIsDir ? (req.fileName ? path.posix.join(req.dest, req.fileName) : '') : req.dest;
    out.parentIsDir = out.destIsDir || probe.parentIsDir;
    // A directory the host does not have holds nothing; a dest that stops being a directory is predicted below.
    out.target = { type: 'absent' };
  }
  if (!out.path) return out;
  const parent = predicted.file(path.posix.dirname(out.path));
  if (parent && parent.type !== 'link') out.parentIsDir = parent.type === 'directory';
  const own = predicted.file(out.path);
  if (!own) return out;
  const target = predictedTarget(own);
  if (typeof target === 'string') return `${out.path} ${target}; cannot predict the download`;
  if (target.type === 'file' && !target.sum && req.needSum) {
    return `${out.path} would be written by an earlier task with content not known in advance; cannot tell whether it matches`;
  }
  out.target = target;
  // Whatever would put something at the path would have its directory.
  if (target.type !== 'absent') out.parentIsDir = true;
  return out;
}

/** A predicted path as the probe would have found it (the shared reading of fileState.ts). */
function predictedTarget(p: PredictedFile): DestState | string {
  if (p.type === 'link') return `would be a symlink to ${p.target}`;
  const s = fromPredicted(p, 'sha256');
  switch (s.type) {
    case 'file':
      return { type: 'file', mode: s.mode, owner: s.owner, group: s.group, size: s.size, ...(s.checksum ? { sum: s.checksum } : {}) };
    case 'directory':
      return { ...s, size: 0 };
    default:
      return { type: 'absent' };
  }
}
