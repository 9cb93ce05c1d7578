// get_url: the host downloads a URL (curl or wget) into a file, verified by sha256, written atomically.
//
// No-op cost: one remote command (downloader probe, dest stat and sha256, and the upstream .sha256sum
// file when `checksum: sha256:<url>`). With `force` and no checksum the probe streams the URL through
// sha256 without writing anything, so check mode knows whether the content differs; a real change then
// downloads once more. `checksum_src`/`checksum_dest` are sha256 (Ansible reports sha1 there).
// Check mode plans against the state earlier tasks would leave (a download directory, the file itself)
// and records the file a planned download would write, with its expected sha256 and origin URL.
import path from 'node:path';
import { operandPath, shellQuote } from '../engine/quote.ts';
import type { ApplyOutcome, ModuleContext, ModuleDefinition, PredictedFile, ResultData } from '../engine/types.ts';
import { attributeCommands, wantedAttributes, type WantedAttributes } from './lib/attributes.ts';
import { fetchCommand, parseChecksumArg, urlFileName, type ChecksumSpec, type FetchOptions } from './lib/download.ts';
import { decideGetUrl } from './lib/getUrlDecision.ts';
import { getUrlProbeScript, parseGetUrlProbe, predictProbe, type GetUrlProbe } from './lib/getUrlProbe.ts';
import { knownHashes, rememberHashes, under, writtenLine } from './lib/hashCache.ts';
import { SHA256_PROBE, sha256Of } from './lib/remoteSha256.ts';
import { judgeUrlCheck, maskUrl, parseUrlCheck, urlCheckFunctions, type UrlVerdict } from './lib/urlCheck.ts';
import { accountNameSchema, modeSchema } from './lib/schemas.ts';

/** Exit status of the download script when the downloaded file does not match the expected sha256. */
const MISMATCH_EXIT = 65;
/** Exit status of the download script when the fetch itself failed. */
const FETCH_FAILED_EXIT = 66;

/** The get_url module. */
export const getUrlModule: ModuleDefinition = {
  name: 'get_url',
  runsOn: 'host',
  schema: {
    type: 'object',
    properties: {
      url: { type: 'string', pattern: '^(https?|ftp)://\\S+$' },
      dest: { type: 'string', minLength: 1 },
      checksum: { type: 'string', pattern: '^sha256:\\S+$' },
      mode: modeSchema,
      owner: accountNameSchema,
      group: accountNameSchema,
      timeout: { type: 'integer', minimum: 1 },
      force: { type: 'boolean' },
      validate_certs: { type: 'boolean' },
    },
    required: ['url', 'dest'],
    additionalProperties: false,
  },
  async plan(args, ctx) {
    const url = String(args.url);
    const dest = String(args.dest);
    let checksum: ChecksumSpec | undefined;
    try {
      checksum = typeof args.checksum === 'string' ? parseChecksumArg(args.checksum) : undefined;
    } catch (err) {
      return { kind: 'failed', msg: (err as Error).message };
    }
    const fetch: FetchOptions = { timeoutSec: typeof args.timeout === 'number' ? args.timeout : 10, validateCerts: args.validate_certs !== false };
    const force = args.force === true;
    const fileName = urlFileName(url);
    const wanted = wantedAttributes(args);
    const streamSum = force && checksum === undefined;
    // Check mode: a dest an earlier task would create is not on the host, so stream the URL regardless.
    const predictedDest = ctx.check ? (ctx.predicted.file(dest) ?? (fileName ? ctx.predicted.file(path.posix.join(dest, fileName)) : undefined)) : undefined;
    const r = await ctx.run(
      getUrlProbeScript({
        url,
        dest,
        fileName,
        fetch,
        destSum: checksum !== undefined || force,
        ...(checksum?.kind === 'url' ? { sumsUrl: checksum.url } : {}),
        streamSum,
        streamAlways: streamSum && predictedDest !== undefined,
        hashes: knownHashes(ctx, under(dest)),
        // Check mode asks for the URL in this same command when a download looks likely (urlCheck.ts).
        ...(ctx.check ? { checkUrl: checksum?.kind === 'digest' ? { digest: checksum.sha256 } : {} } : {}),
      }),
      { readOnly: true },
    );
    if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot inspect ${dest}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
    rememberHashes(ctx, r.stdout);
    const seen = parseGetUrlProbe(r.stdout, r.stderr);
    const probe = ctx.check ? predictProbe(seen, { dest, fileName, needSum: checksum !== undefined || force }, ctx.predicted) : seen;
    if (typeof probe === 'string') return { kind: 'unknown', msg: probe, data: { dest, url } };
    const decision = decideGetUrl(probe, { host: ctx.host, url, fileName, force, wanted, ...(checksum ? { checksum } : {}) });
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
      case 'attributes':
        if (ctx.check) ctx.predicted.setFile(probe.path, { ...currentFile(ctx, probe), ...wanted });
        return {
          kind: 'change',
          msg: decision.msg,
          diff: decision.diff,
          data,
          apply: async () => {
            const a = await ctx.run(attributeCommands(shellQuote(probe.path), wanted).join(' && '));
            if (a.exitCode !== 0) return { kind: 'failed', msg: a.stderr.trim() || `exit ${a.exitCode}`, data };
            return { kind: 'changed', msg: decision.msg, data };
          },
        };
      case 'download': {
        const job: DownloadJob = { url, path: probe.path, tool: probe.tool, fetch, wanted, compareWithDest: decision.compareWithDest };
        if (decision.expected) job.expected = decision.expected;
        // A streamed sum (force without checksum) already fetched the URL; otherwise ask for it as Ansible does.
        const verdict = ctx.check && !(decision.compareWithDest && probe.stream?.rc === 0) ? await checkUrl(ctx, probe, url, fetch) : undefined;
        if (verdict?.kind === 'failed') return { kind: 'failed', msg: verdict.msg, data };
        if (ctx.check) predictDownload(ctx, probe, job, data);
        if (verdict?.kind === 'unknown') return { kind: 'unknown', msg: verdict.msg, data };
        return { kind: 'change', msg: decision.msg, diff: decision.diff, data, apply: () => download(ctx, job, data) };
      }
    }
  },
};

/**
 * Check mode: would the real download get an answer? From the probe's request when it made one; else
 * (the predicted state made a download likely where the host's state did not) one more read-only command.
 */
async function checkUrl(ctx: ModuleContext, probe: GetUrlProbe, url: string, fetch: FetchOptions): Promise<UrlVerdict> {
  let check = probe.urlCheck;
  if (!check) {
    const r = await ctx.run(`FP_TOOL=${probe.tool}\n${urlCheckFunctions(url, fetch)}\nfp_check`, { readOnly: true });
    check = parseUrlCheck(r.stdout);
    if (!check) return { kind: 'unknown', msg: `cannot check ${maskUrl(url)}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  }
  return judgeUrlCheck(check, url);
}

/** The file at dest as check mode sees it (its earlier prediction, else what the probe found). */
function currentFile(ctx: ModuleContext, probe: GetUrlProbe): PredictedFile & { type: 'file' } {
  const known = ctx.predicted.file(probe.path);
  if (known?.type === 'file') return known;
  const t = probe.target;
  if (t.type !== 'file') return { type: 'file' };
  return { type: 'file', mode: t.mode, owner: t.owner, group: t.group, size: t.size, ...(t.sum ? { checksum: t.sum } : {}) };
}

/**
 * Check mode: records the file the download would leave, and puts in `data` what the real run would
 * register (the downloaded sha256 when it is known in advance).
 */
function predictDownload(ctx: ModuleContext, probe: GetUrlProbe, job: DownloadJob, data: ResultData): void {
  // force without checksum: the streamed sum is the content the download would get.
  const sum = job.expected ?? (job.compareWithDest ? probe.stream?.sum : undefined);
  const before = probe.target.type === 'file' ? probe.target : undefined;
  // The download keeps dest's mode and owner (chmod/chown --reference), else a new file gets 0666 & ~umask.
  const mode = job.wanted.mode ?? before?.mode ?? (0o666 & ~probe.umask).toString(8).padStart(4, '0');
  const owner = job.wanted.owner ?? before?.owner;
  const group = job.wanted.group ?? before?.group;
  ctx.predicted.setFile(job.path, {
    type: 'file',
    ...(sum ? { checksum: sum } : {}),
    mode,
    ...(owner ? { owner } : {}),
    ...(group ? { group } : {}),
    origin: { url: job.url },
  });
  delete data.size;
  delete data.checksum_dest;
  if (sum) Object.assign(data, { checksum_src: sum, checksum_dest: sum });
}

/** One planned download. */
export interface DownloadJob {
  url: string;
  /** The resolved file path on the host. */
  path: string;
  tool: 'curl' | 'wget' | '';
  fetch: FetchOptions;
  wanted: WantedAttributes;
  expected?: string;
  /** Force without checksum: keep dest when the download turns out identical. */
  compareWithDest: boolean;
}

/**
 * The download script: fetch to a temp file beside dest, verify sha256, copy dest's (or default)
 * attributes, apply the wanted ones, rename over dest. Any failure removes the temp file; dest is untouched.
 */
export function downloadScript(job: DownloadJob): string {
  // A relative path starting with '-' gets './' in front: the temp file beside it then cannot look like an option either.
  const p = shellQuote(operandPath(job.path));
  const lines = [
    `FP_TOOL=${job.tool}`,
    SHA256_PROBE,
    `tmp=$(mktemp -- "$(dirname -- ${p})/.fleetplay-get_url.XXXXXX") || exit 1`,
    `trap 'rm -f -- "$tmp"' EXIT`,
    `${fetchCommand(job.url, '"$tmp"', job.fetch)} || exit ${FETCH_FAILED_EXIT}`,
    `sum=${sha256Of('"$tmp"')}`,
    `printf 'sum=%s\\nsize=%s\\n' "$sum" "$(stat -c %s -- "$tmp")"`,
  ];
  if (job.expected) lines.push(`[ "$sum" = ${job.expected} ] || exit ${MISMATCH_EXIT}`);
  if (job.compareWithDest) {
    const attrs = attributeCommands(p, job.wanted).map((c) => `${c}; `).join('');
    lines.push(`if [ -f ${p} ] && [ "$sum" = "${sha256Of(p)}" ]; then ${attrs}echo same=1; exit 0; fi`);
  }
  lines.push(
    `if [ -e ${p} ]; then chmod --reference=${p} -- "$tmp" && { chown --reference=${p} -- "$tmp" 2>/dev/null || true; }; else chmod -- "$(printf %o $((0666 & ~0$(umask))))" "$tmp"; fi || exit 1`,
    ...attributeCommands('"$tmp"', job.wanted).map((c) => `${c} || exit 1`),
    `mv -f -- "$tmp" ${p} || exit 1`,
    'trap - EXIT',
    writtenLine(p, '"$sum"'),
  );
  return lines.join('\n');
}

async function download(ctx: ModuleContext, job: DownloadJob, data: ResultData): Promise<ApplyOutcome> {
  const r = await ctx.run(downloadScript(job));
  if (r.exitCode === 0) rememberHashes(ctx, r.stdout);
  const kv = new Map(r.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
  const sum = kv.get('sum') ?? '';
  const size = Number(kv.get('size') ?? 0);
  const err = r.stderr.trim();
  if (r.exitCode === MISMATCH_EXIT) {
    return {
      kind: 'failed',
      msg: `checksum mismatch for ${job.url}: expected sha256 ${job.expected}, got sha256 ${sum}; ${job.path} left untouched`,
      data: { ...data, checksum_src: sum },
    };
  }
  if (r.exitCode === FETCH_FAILED_EXIT) return { kind: 'failed', msg: `cannot download ${job.url}: ${err || 'fetch failed'}`, data };
  if (r.exitCode !== 0) return { kind: 'failed', msg: `writing ${job.path} failed: ${err || `exit ${r.exitCode}`}`, data };
  const done = { ...data, checksum_src: sum, checksum_dest: sum, size };
  if (kv.get('same') === '1') return { kind: 'ok', msg: `${job.path} is identical to ${job.url} (sha256 ${sum})`, data: done };
  return { kind: 'changed', msg: `downloaded ${job.url} to ${job.path} (${size} bytes, sha256 ${sum})`, data: done };
}
