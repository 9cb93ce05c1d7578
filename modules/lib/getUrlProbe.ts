// get_url's read-only probe: one remote command that finds the downloader, the real dest path and its
// state, the upstream checksum file and (force without checksum) the sha256 of the remote content.
import path from 'node:path';
import { shellQuote } from '../../engine/quote.ts';
import { DOWNLOADER_PROBE, fetchCommand, type FetchOptions } from './download.ts';
import { SHA256_PROBE, sha256Of } from './remoteSha256.ts';

/** What the probe needs to know about the task. */
export interface GetUrlProbeRequest {
  url: string;
  dest: string;
  /** File name taken from the URL, used when dest is a directory ('' if the URL has none). */
  fileName: string;
  fetch: FetchOptions;
  /** Compute the sha256 of an existing dest file. */
  destSum: boolean;
  /** Fetch this upstream checksum file. */
  sumsUrl?: string;
  /** Stream the URL through sha256 (force without checksum) when dest is a file. */
  streamSum: boolean;
}

/** What is at the resolved dest path. */
export type DestState =
  | { type: 'absent' }
  | { type: 'file' | 'directory' | 'other'; mode: string; owner: string; group: string; size: number; sum?: string };

/** The parsed probe output. */
export interface GetUrlProbe {
  tool: 'curl' | 'wget' | '';
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
}

/** The probe as one shell script. */
export function getUrlProbeScript(req: GetUrlProbeRequest): string {
  const named = req.fileName ? shellQuote(path.posix.join(req.dest, req.fileName)) : "''";
  const lines = [
    DOWNLOADER_PROBE,
    SHA256_PROBE,
    'echo "tool=$FP_TOOL"',
    // A dest ending in '/' names a directory even before it exists (an earlier task may create it).
    req.dest.endsWith('/')
      ? `echo dest_is_dir=1; p=${named}`
      : `p=${shellQuote(req.dest)}; if [ -d "$p" ]; then echo dest_is_dir=1; p=${named}; fi`,
    `printf 'path=%s\\n' "$p"`,
    '[ -n "$p" ] && [ -d "$(dirname -- "$p")" ] && echo parent=dir',
    `if [ -e "$p" ]; then stat -L --printf 'type=%F\\nmode=%a\\nowner=%U\\ngroup=%G\\nsize=%s\\n' -- "$p"; fi`,
  ];
  if (req.destSum) lines.push(`if [ -f "$p" ]; then echo "sum=${sha256Of('"$p"')}"; fi`);
  if (req.sumsUrl) {
    lines.push(`out=$(${fetchCommand(req.sumsUrl, '-', req.fetch)} 2>&1); printf 'sums_rc=%s\\n' "$?"`);
    lines.push(`printf '%s\\n' "$out" | sed 's/^/sums:/'`);
  }
  if (req.streamSum) {
    const fetch = fetchCommand(req.url, '-', req.fetch);
    lines.push(`if [ -f "$p" ]; then { { ${fetch}; echo "stream_rc=$?" >&3; } | $FP_SHA | cut -c1-64 | sed 's/^/stream_sum=/'; } 3>&1; fi`);
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
    destIsDir: kv.get('dest_is_dir') === '1',
    path: kv.get('path') ?? '',
    parentIsDir: kv.get('parent') === 'dir',
    target,
  };
  if (kv.has('sums_rc')) probe.sums = { rc: Number(kv.get('sums_rc')), text: sums.join('\n').trim() };
  if (stderr.trim()) probe.stderr = stderr.trim();
  if (kv.has('stream_rc')) probe.stream = { rc: Number(kv.get('stream_rc')), sum: kv.get('stream_sum') ?? '' };
  return probe;
}
