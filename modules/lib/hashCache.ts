// Remembers, on the controller, the sha256 of files on each host together with the file's identity
// (device, inode, size, mtime and ctime in nanoseconds), so a no-op run stats a big file instead of
// hashing it again. Any write to a file changes its ctime (which no program can set back), and a
// replaced file has a new inode, so a matching identity means the content is the one hashed. A file
// changed within two seconds of being hashed is not remembered (coarse timestamps could hide a second
// write in the same tick), the way git treats "racily clean" index entries.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ModuleContext } from '../../engine/types.ts';
import { shellQuote } from '../../engine/quote.ts';
import { cacheRoot, readCacheJson, writeCacheFileSoon } from './controllerCache.ts';
import { SHA256_HEX } from './remoteSha256.ts';

/** A file's identity on its host, as `stat -c '%d:%i:%s:%.9Y:%.9Z'` prints it. */
type Identity = string;

/** Known hashes of one host: path → [identity, sha256]. */
export type KnownHashes = Record<string, [Identity, string]>;

/** `stat` format of an Identity, and its shape. */
export const IDENTITY_FORMAT = '%d:%i:%s:%.9Y:%.9Z';
const IDENTITY_RE = /^\d+:\d+:\d+:\d+\.\d+:\d+\.\d+$/;

/** Seconds a file must have stayed unchanged before its hash is remembered. */
const SETTLE_SECONDS = 2;

/**
 * Shell lines defining `fp_sum PATH [IDENTITY]`, which sets FP_SUM to the file's sha256 (empty if unreadable):
 * from the known table when the identity matches, else by hashing, printing `H<TAB>identity<TAB>sha<TAB>path`
 * for the controller to remember, after `now=<host epoch seconds>` the first time. Needs SHA256_PROBE first.
 */
export function hashCacheScript(known: KnownHashes): string {
  // The table is a case statement of literal patterns: a lookup is a few string compares (a search
  // of one long string with *…* patterns costs milliseconds per file in dash).
  const entries = Object.entries(known).map(
    ([p, [identity, sha]]) => `    ${shellQuote(`${p}\t${identity}`)}) FP_SUM=${shellQuote(sha)} ;;`,
  );
  return [
    `FP_TAB='\t'`,
    'fp_sum() {',
    // $2, when given, is the identity the caller already read (one stat fewer per file).
    `  if [ -n "\${2-}" ]; then FP_ST=$2; else FP_ST=$(stat -L -c '${IDENTITY_FORMAT}' -- "$1" 2>/dev/null) || { FP_SUM=; return 0; }; fi`,
    '  case "$1$FP_TAB$FP_ST" in',
    ...entries,
    // The host's clock is read only when a file is hashed: a probe that hashes nothing forks no `date`.
    `    *) [ -n "\${FP_NOW-}" ] || { FP_NOW=$(date +%s); echo "now=$FP_NOW"; }`,
    `       FP_SUM=$($FP_SHA < "$1" | cut -c1-64); printf 'H\\t%s\\t%s\\t%s\\n' "$FP_ST" "$FP_SUM" "$1" ;;`,
    '  esac',
    '}',
  ].join('\n');
}

/** The file holding one host's known hashes (named after the host's inventory name and address). */
function fileFor(ctx: Pick<ModuleContext, 'host' | 'vars'>): string {
  const address = `${String(ctx.vars.ansible_host ?? ctx.host)}:${String(ctx.vars.ansible_port ?? 22)}`;
  const key = createHash('sha256').update(`${ctx.host}\0${address}`).digest('hex').slice(0, 40);
  return path.join(cacheRoot(), 'hashes', `${key}.json`);
}

/** The hashes remembered for this host ({} when none or unreadable), only of paths `wanted` accepts. */
export function knownHashes(ctx: Pick<ModuleContext, 'host' | 'vars'>, wanted: (file: string) => boolean = () => true): KnownHashes {
  const data = readCacheJson(fileFor(ctx)) as { hashes?: KnownHashes } | undefined;
  if (!data || typeof data !== 'object') return {};
  const all: KnownHashes = data.hashes && typeof data.hashes === 'object' ? data.hashes : {};
  const out: KnownHashes = {};
  for (const [file, entry] of Object.entries(all)) {
    // Only well-formed entries: the file is the controller's, but it is still not trusted into a script.
    if (wanted(file) && Array.isArray(entry) && IDENTITY_RE.test(String(entry[0])) && SHA256_HEX.test(String(entry[1]))) out[file] = entry;
  }
  return out;
}

/** Accepts `dir` itself and every path under it. */
export function under(dir: string): (file: string) => boolean {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return (file) => file === dir || file.startsWith(prefix);
}

/**
 * Shell words printing a `W` line for a file fleetplay has just written with known content `sha`
 * (a shell word): its identity after the last change fleetplay made to it.
 */
export function writtenLine(pathWord: string, shaWord: string): string {
  return `printf 'W\\t%s\\t%s\\t%s\\n' "$(stat -L -c '${IDENTITY_FORMAT}' -- ${pathWord})" ${shaWord} ${pathWord}`;
}

/**
 * The entries worth remembering in a script's output: `H` lines (hashed by a probe) of files unchanged
 * for SETTLE_SECONDS before the host's `now=`, and `W` lines (files fleetplay itself just replaced by
 * renaming a private temp file into place, whose content it verified).
 */
export function freshHashes(output: string): KnownHashes {
  let now = Number.NaN;
  const out: KnownHashes = {};
  const hashed: Array<[string, Identity, string]> = [];
  for (const line of output.split('\n')) {
    if (line.startsWith('now=')) now = Number(line.slice(4));
    if (!line.startsWith('H\t') && !line.startsWith('W\t')) continue;
    const [kind, identity = '', sha = '', ...rest] = line.split('\t');
    const file = rest.join('\t');
    if (!SHA256_HEX.test(sha) || !IDENTITY_RE.test(identity) || !file.startsWith('/') || /[\t\n]/.test(file)) continue;
    if (kind === 'W') out[file] = [identity, sha];
    else hashed.push([file, identity, sha]);
  }
  for (const [file, identity, sha] of hashed) {
    const ctime = Number(identity.split(':')[4]);
    if (Number.isFinite(now) && ctime < now - SETTLE_SECONDS) out[file] = [identity, sha];
  }
  return out;
}

/** Adds the hashes a script's output reports (freshHashes) to the host's table; writes nothing when there are none. */
export function rememberHashes(ctx: Pick<ModuleContext, 'host' | 'vars'>, output: string): void {
  const fresh = freshHashes(output);
  if (Object.keys(fresh).length === 0) return;
  writeCacheFileSoon(fileFor(ctx), { host: ctx.host, hashes: { ...knownHashes(ctx), ...fresh } });
}
