// The apt side of deb822_repository and apt_repository: the script that fetches a new source alone before
// it is moved into place, check mode's fetch of the InRelease files apt-get update would fetch, apt's error lines.
import { read, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import { DOWNLOADER_PROBE, fetchCommand } from './download.ts';
import { verifyUpload } from './writeFile.ts';

/** Directory apt reads `.list` and `.sources` files from. */
export const SOURCES_DIR = '/etc/apt/sources.list.d';

/** How often `apt-get update` is tried, and the longest pause between tries (seconds). */
export interface UpdateRetries {
  retries: number;
  maxDelay: number;
}

/**
 * `apt-get update` of the one sources file "$d/$b" alone: other sources' lists are kept, no package cache is
 * written. Tried `retries` times, pausing 2^n seconds (at most maxDelay) between tries as Ansible does; on the
 * last failure apt's error lines go to stderr and the script exits 100.
 */
function updateLines(retry: UpdateRetries): string[] {
  const update = [
    'apt-get -q',
    '-o Dir::Etc::SourceList="$d/$b"',
    '-o Dir::Etc::SourceParts=-',
    '-o APT::Get::List-Cleanup=0',
    '-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=',
    // Without it a source that cannot be fetched is only a warning and apt-get exits 0.
    '-o APT::Update::Error-Mode=any',
    'update',
  ].join(' ');
  const fail = `{ grep -E '^(E|W|Err):' "$d/update.log" >&2 || cat "$d/update.log" >&2; exit 100; }`;
  if (retry.retries <= 1) return [`${update} >"$d/update.log" 2>&1 || ${fail}`];
  return [
    'n=1',
    `until ${update} >"$d/update.log" 2>&1; do`,
    `  [ "$n" -lt ${retry.retries} ] || ${fail}`,
    `  w=$((1 << (n - 1))); [ "$w" -le ${retry.maxDelay} ] || w=${retry.maxDelay}`,
    '  sleep "$w"; n=$((n + 1))',
    'done',
  ];
}

/**
 * Writes the source to a temp directory beside /etc/apt, optionally runs `apt-get update` for that source
 * alone (other sources' lists are kept, no package cache is written), then renames it into place.
 */
export function installScript(file: string, text: string, mode: string, update: boolean): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return [
    'set -e',
    'export LC_ALL=C',
    `b=${shellQuote(base)}`,
    `mkdir -p ${shellQuote(SOURCES_DIR)}`,
    'd=$(mktemp -d /etc/apt/.fleetplay.XXXXXX)',
    `trap 'rm -rf -- "$d"' EXIT`,
    'cat > "$d/$b"',
    ...verifyUpload('"$d/$b"', text),
    `chmod ${mode} "$d/$b"`,
    ...(update ? updateLines({ retries: 1, maxDelay: 0 }) : []),
    `mv -f -- "$d/$b" ${shellQuote(file)}`,
  ].join('\n');
}

/**
 * Fetches the indexes of the sources in `text` (one-line format, stdin of the script) alone, from a temp
 * directory beside /etc/apt that is removed afterwards: nothing in /etc/apt changes, and a source apt cannot
 * fetch or verify fails the script (exit 100, apt's error lines on stderr).
 */
export function fetchSourcesScript(text: string, retry: UpdateRetries): string {
  return [
    'set -e',
    'export LC_ALL=C',
    'b=fetch.list',
    'd=$(mktemp -d /etc/apt/.fleetplay.XXXXXX)',
    `trap 'rm -rf -- "$d"' EXIT`,
    'cat > "$d/$b"',
    ...verifyUpload('"$d/$b"', text),
    ...updateLines(retry),
  ].join('\n');
}

/** The InRelease URL apt fetches first for a URI and suite (dists/<suite>/ or, for a flat suite ending in '/', the path itself). */
export function inReleaseUrl(uri: string, suite: string): string {
  if (!suite.endsWith('/')) return `${uri.replace(/\/+$/, '')}/dists/${suite}/InRelease`;
  const base = uri.endsWith('/') ? uri : `${uri}/`;
  return `${base}${suite === '/' ? '' : suite.replace(/^\//, '')}InRelease`;
}

/**
 * Check mode: fetches each InRelease the update would (a read, to stdout) and, when the Signed-By keyring
 * is already on the host (not only predicted), verifies it with gpgv. Returns why the update would fail.
 */
export function* probeFetchProblem(
  view: ModuleView,
  inRelease: string[],
  signedBy: string | undefined,
  keyReplaced: boolean,
): Probe<string | undefined> {
  const urls = inRelease.filter((u) => /^(https?|ftp):\/\//i.test(u));
  if (urls.length === 0) return undefined;
  const key = signedBy;
  const verify = key?.startsWith('/') && key.endsWith('.gpg') && !keyReplaced && view.predicted.file(key) === undefined ? key : undefined;
  const r = yield* read({ command: fetchProbeCommand(urls, verify) });
  for (const line of r.stdout.split('\n')) {
    const m = /^(unreachable|badsig) (\d+) ?(.*)$/.exec(line);
    if (!m) continue;
    const url = urls[Number(m[2])] ?? '';
    return m[1] === 'badsig'
      ? `${url} is not signed by a key in ${verify} (gpgv: ${m[3]})`
      : `apt could not fetch ${url}: ${m[3] || 'download failed'}`;
  }
  return undefined;
}

/** The read-only probe probeFetchProblem runs: one `ok|unreachable|badsig <i> <detail>` line per URL. */
export function fetchProbeCommand(urls: string[], keyring: string | undefined): string {
  const lines = ['export LC_ALL=C', DOWNLOADER_PROBE, 'if [ -z "$FP_TOOL" ]; then exit 0; fi'];
  urls.forEach((url, i) => {
    const fetch = fetchCommand(url, '-', { timeoutSec: 10, validateCerts: true });
    const sig =
      keyring === undefined
        ? `echo 'ok ${i}'`
        : `if [ ! -f ${shellQuote(keyring)} ]; then echo 'ok ${i}'; elif v=$(printf '%s\\n' "$t" | gpgv --keyring ${shellQuote(keyring)} 2>&1 >/dev/null); then echo 'ok ${i}'; else printf 'badsig ${i} %s\\n' "$(printf '%s' "$v" | grep -v '^gpgv: *\\(Signature made\\|using\\)' | tr '\\n' ' ')"; fi`;
    // A repository with only Release + Release.gpg (no InRelease) is fine for apt too: reachable, not verified here.
    const release = fetchCommand(url.replace(/InRelease$/, 'Release'), '-', { timeoutSec: 10, validateCerts: true });
    lines.push(
      `if t=$(${fetch} 2>&1); then ${sig}; elif (${release}) >/dev/null 2>&1; then echo 'ok ${i}'; else printf 'unreachable ${i} %s\\n' "$(printf '%s' "$t" | tr '\\n' ' ')"; fi`,
    );
  });
  return lines.join('\n');
}

/** The E:/W:/Err: lines of apt-get update's output, joined, without repeats. */
export function aptUpdateErrors(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(E|W):/.test(l));
  return [...new Set(lines.map((l) => l.replace(/^(E|W):\s*/, '')))].join('; ');
}
