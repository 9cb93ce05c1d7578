// get_url's apply: the download script (fetch to a temp file beside dest, verify, rename), or the
// attribute commands when only mode/owner/group differ.
import { operandPath, shellQuote } from '../../engine/quote.ts';
import type { ModuleHost } from '../../engine/module.ts';
import type { ApplyOutcome, ResultData } from '../../engine/types.ts';
import { attributeCommands } from '../lib/attributes.ts';
import { rememberHashes, writtenLine } from '../lib/hashCache.ts';
import { SHA256_PROBE, sha256Of } from '../lib/remoteSha256.ts';
import { hasSecrets, READ_REQUEST, requestCommand, requestStdin } from './request.ts';
import type { DownloadJob, GetUrlChange, HashOwner } from './types.ts';

/** Exit status of the download script when the downloaded file does not match the expected sha256. */
const MISMATCH_EXIT = 65;
/** Exit status of the download script when the fetch itself failed. */
const FETCH_FAILED_EXIT = 66;

export async function applyGetUrl(change: GetUrlChange, host: ModuleHost): Promise<ApplyOutcome> {
  if (change.kind === 'download') return download(host, change.job, change.data, change.owner);
  const { data } = change;
  const a = await host.run(attributeCommands(shellQuote(change.path), change.wanted).join(' && '));
  if (a.exitCode !== 0) return { kind: 'failed', msg: a.stderr.trim() || `exit ${a.exitCode}`, data };
  return { kind: 'changed', msg: change.msg, data };
}

/**
 * The download script: fetch to a temp file beside dest, verify sha256, copy dest's (or default)
 * attributes, apply the wanted ones, rename over dest. Any failure removes the temp file; dest is untouched.
 */
export function downloadScript(job: DownloadJob): string {
  // A relative path starting with '-' gets './' in front: the temp file beside it then cannot look like an option either.
  const p = shellQuote(operandPath(job.path));
  const beside = `tmp=$(mktemp -- "$(dirname -- ${p})/.fleetplay-get_url.XXXXXX") || exit 1`;
  // tmp_dest (Ansible's): the download lands there as $dl, then is copied beside dest (maybe another
  // file system) so the rename stays atomic. Without it the download is the temp file beside dest.
  const inTmpDest = job.tmpDest !== undefined;
  const got = inTmpDest ? '"$dl"' : '"$tmp"';
  const lines = [
    // The secrets come on stdin (request.ts): nothing of them on a command line.
    ...(hasSecrets(job.fetch) ? [READ_REQUEST] : []),
    `FP_TOOL=${job.tool}`,
    SHA256_PROBE,
    ...(inTmpDest
      ? [
          'tmp=; dl=',
          `trap 'rm -f -- "$tmp" "$dl"' EXIT`,
          `dl=$(mktemp -- ${shellQuote(`${operandPath(job.tmpDest as string)}/.fleetplay-get_url.XXXXXX`)}) || exit 1`,
        ]
      : [beside, `trap 'rm -f -- "$tmp"' EXIT`]),
    `${requestCommand(job.url, got, job.fetch)} || exit ${FETCH_FAILED_EXIT}`,
    `sum=${sha256Of(got)}`,
    `printf 'sum=%s\\nsize=%s\\n' "$sum" "$(stat -c %s -- ${got})"`,
  ];
  if (job.expected) lines.push(`[ "$sum" = ${job.expected} ] || exit ${MISMATCH_EXIT}`);
  if (job.compareWithDest) {
    const attrs = attributeCommands(p, job.wanted)
      .map((c) => `${c}; `)
      .join('');
    lines.push(`if [ -f ${p} ] && [ "$sum" = "${sha256Of(p)}" ]; then ${attrs}echo same=1; exit 0; fi`);
  }
  if (inTmpDest) lines.push(beside, 'cat -- "$dl" > "$tmp" || exit 1');
  lines.push(
    `if [ -e ${p} ]; then chmod --reference=${p} -- "$tmp" && { chown --reference=${p} -- "$tmp" 2>/dev/null || true; }; else chmod -- "$(printf %o $((0666 & ~0$(umask))))" "$tmp"; fi || exit 1`,
    ...attributeCommands('"$tmp"', job.wanted).map((c) => `${c} || exit 1`),
  );
  if (job.backup) {
    // Ansible's backup_local: `<dest>.<pid>.<local time>~`, a copy keeping mode, owner and times.
    lines.push(
      `if [ -e ${p} ]; then bk=$$.$(date '+%Y-%m-%d@%H:%M:%S~'); cp -p -- ${p} ${p}."$bk" || exit 1; printf 'backup=%s\\n' "$bk"; fi`,
    );
  }
  lines.push(`mv -f -- "$tmp" ${p} || exit 1`, ...(inTmpDest ? ['rm -f -- "$dl"'] : []), 'trap - EXIT', writtenLine(p, '"$sum"'));
  return lines.join('\n');
}

async function download(host: ModuleHost, job: DownloadJob, data: ResultData, owner: HashOwner): Promise<ApplyOutcome> {
  const stdin = requestStdin(job.fetch);
  const r = await host.run(downloadScript(job), stdin === undefined ? {} : { stdin });
  if (r.exitCode === 0) rememberHashes(owner, r.stdout);
  const kv = new Map(
    r.stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
  );
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
  const backup = kv.get('backup');
  const done = { ...data, checksum_src: sum, checksum_dest: sum, size, ...(backup ? { backup_file: `${job.path}.${backup}` } : {}) };
  if (kv.get('same') === '1') return { kind: 'ok', msg: `${job.path} is identical to ${job.url} (sha256 ${sum})`, data: done };
  return { kind: 'changed', msg: `downloaded ${job.url} to ${job.path} (${size} bytes, sha256 ${sum})`, data: done };
}
