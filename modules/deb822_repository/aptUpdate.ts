// deb822_repository's apt side: the script that fetches a new source alone before moving it into place,
// check mode's fetch of the InRelease files apt-get update would fetch, and apt's error lines.
import { read, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import { DOWNLOADER_PROBE, fetchCommand } from '../lib/download.ts';
import { verifyUpload } from '../lib/writeFile.ts';
import { inReleaseUrls, SOURCES_DIR, type Deb822Source } from './deb822.ts';

/**
 * Writes the source to a temp directory beside /etc/apt, optionally runs `apt-get update` for that source
 * alone (other sources' lists are kept, no package cache is written), then renames it into place.
 */
export function installScript(file: string, text: string, mode: string, update: boolean): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const update822 = [
    'apt-get -q',
    '-o Dir::Etc::SourceList="$d/$b"',
    '-o Dir::Etc::SourceParts=-',
    '-o APT::Get::List-Cleanup=0',
    '-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=',
    // Without it a source that cannot be fetched is only a warning and apt-get exits 0.
    '-o APT::Update::Error-Mode=any',
    'update',
  ].join(' ');
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
    ...(update
      ? [`${update822} >"$d/update.log" 2>&1 || { grep -E '^(E|W|Err):' "$d/update.log" >&2 || cat "$d/update.log" >&2; exit 100; }`]
      : []),
    `mv -f -- "$d/$b" ${shellQuote(file)}`,
  ].join('\n');
}

/**
 * Check mode: fetches each InRelease the update would (a read, to stdout) and, when the Signed-By keyring
 * is already on the host (not only predicted), verifies it with gpgv. Returns why the update would fail.
 */
export function* probeFetchProblem(view: ModuleView, source: Deb822Source, keyReplaced: boolean): Probe<string | undefined> {
  const urls = inReleaseUrls(source).filter((u) => /^(https?|ftp):\/\//i.test(u));
  if (urls.length === 0) return undefined;
  const key = source.signedBy;
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
