// Downloads made by the target host itself (curl or wget), and the upstream checksum conventions around them.
import path from 'node:path';
import { shellQuote } from '../../engine/quote.ts';
import { SHA256_HEX } from './remoteSha256.ts';

/** How a host fetches a URL. */
export interface FetchOptions {
  /** Seconds to wait for the connection and for data to keep flowing (not a cap on the whole transfer). */
  timeoutSec: number;
  /** False → accept any TLS certificate (curl -k, wget --no-check-certificate). */
  validateCerts: boolean;
}

/** Exit status of a fetch when the host has neither curl nor wget. */
export const NO_DOWNLOADER_EXIT = 127;

/** Shell snippet that sets FP_TOOL to `curl`, `wget` or '' (neither is installed). */
export const DOWNLOADER_PROBE =
  'if command -v curl >/dev/null 2>&1; then FP_TOOL=curl; elif command -v wget >/dev/null 2>&1; then FP_TOOL=wget; else FP_TOOL=; fi';

/** The error shown when a host cannot download. */
export function noDownloaderMessage(host: string): string {
  return `neither curl nor wget is installed on ${host}; install one of them so the host can download`;
}

/**
 * Shell command writing the body of `url` to `outWord` ('-' for stdout, or an already-quoted word such
 * as "$tmp") with the tool in $FP_TOOL (see DOWNLOADER_PROBE). HTTP errors make it fail; redirects are
 * followed. Exits NO_DOWNLOADER_EXIT when there is no tool.
 */
export function fetchCommand(url: string, outWord: string, opts: FetchOptions): string {
  const t = Math.max(1, Math.round(opts.timeoutSec));
  const u = shellQuote(url);
  const curl = [
    'curl -fsSL',
    `--connect-timeout ${t}`,
    `--speed-time ${t} --speed-limit 1`,
    ...(opts.validateCerts ? [] : ['-k']),
    `-o ${outWord}`,
    '--',
    u,
  ];
  const wget = [
    'wget -nv --tries=1',
    `--timeout=${t}`,
    ...(opts.validateCerts ? [] : ['--no-check-certificate']),
    `-O ${outWord}`,
    '--',
    u,
  ];
  return `case "$FP_TOOL" in curl) ${curl.join(' ')};; wget) ${wget.join(' ')};; *) echo 'no curl or wget on this host' >&2; (exit ${NO_DOWNLOADER_EXIT});; esac`;
}

/** A `checksum` argument: a literal digest, or the URL of an upstream checksum file. */
export type ChecksumSpec = { kind: 'digest'; sha256: string } | { kind: 'url'; url: string };

/** Parses `sha256:<hex>` or `sha256:<url>`; throws on anything else. */
export function parseChecksumArg(value: string): ChecksumSpec {
  const m = /^sha256:(.+)$/i.exec(value.trim());
  if (!m) throw new Error(`checksum '${value}' must be 'sha256:<hex>' or 'sha256:<url of a .sha256sum file>'`);
  const rest = (m[1] as string).trim();
  if (SHA256_HEX.test(rest.toLowerCase())) return { kind: 'digest', sha256: rest.toLowerCase() };
  if (/^(https?|ftp):\/\//i.test(rest)) return { kind: 'url', url: rest };
  throw new Error(`checksum '${value}': '${rest}' is neither a 64-digit sha256 nor an http(s)/ftp URL`);
}

/**
 * Picks the digest for `fileName` out of an upstream checksum file ("<hex>  <name>" or "<hex> *<name>"
 * lines, as sha256sum writes them). A file holding a single digest (with or without a name) gives that
 * digest. Throws, naming the file, when nothing fits.
 */
export function pickChecksum(text: string, fileName: string, source: string): string {
  const entries: Array<{ sha: string; name?: string }> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([0-9a-fA-F]{64})(?:\s+\*?(.+))?$/.exec(line);
    if (m) entries.push({ sha: (m[1] as string).toLowerCase(), ...(m[2] ? { name: m[2].trim() } : {}) });
  }
  const named = entries.find((e) => e.name !== undefined && path.posix.basename(e.name.replace(/^\.\//, '')) === fileName);
  if (named) return named.sha;
  if (entries.length === 1) return (entries[0] as { sha: string }).sha;
  if (entries.length === 0) throw new Error(`${source} holds no sha256 digest`);
  throw new Error(`${source} has ${entries.length} digests and none for '${fileName}'`);
}

/** The file name a URL points at (last path segment, decoded), or '' when the path ends in '/'. */
export function urlFileName(url: string): string {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    pathname = url.replace(/[?#].*$/, '');
  }
  const last = pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
