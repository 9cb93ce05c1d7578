// How get_url asks for a URL: the lib's fetch (curl or wget, timeout, validate_certs) plus Ansible's
// request arguments: url_username/url_password, force_basic_auth, headers, http_agent and use_proxy.
//
// Secrets never reach a command line (ps shows those): the user, password and headers (which may carry a
// token) go to the host on the script's stdin, as a curl config and a wgetrc; the script reads them into
// shell variables (READ_REQUEST) and hands them to the tool through a pipe from the `printf` builtin
// (curl -K -, wget --config=/dev/stdin). The agent and the proxy choice are plain flags.
import { shellQuote } from '../../engine/quote.ts';
import { NO_DOWNLOADER_EXIT, type FetchOptions } from '../lib/download.ts';

/** Everything a request of get_url carries (absent: Ansible's defaults). */
export interface RequestOptions extends FetchOptions {
  username?: string;
  password?: string;
  /** Send the credentials with the first request, not only after a 401 challenge. */
  forceBasicAuth?: boolean;
  headers?: Array<[string, string]>;
  /** The User-Agent header (Ansible's default: ansible-httpget). */
  agent?: string;
  /** False: ignore the host's *_proxy variables. */
  useProxy?: boolean;
}

/** Ansible's default http_agent. */
export const DEFAULT_AGENT = 'ansible-httpget';

/** The line between the curl config and the wgetrc on stdin. */
const WGET_MARK = '@fleetplay-wgetrc';

/** Whether the request carries anything secret (then stdin holds it and the script starts with READ_REQUEST). */
export function hasSecrets(o: RequestOptions): boolean {
  return o.username !== undefined || o.password !== undefined || (o.headers?.length ?? 0) > 0;
}

/** curl's config-file quoting: a double-quoted string with backslash escapes. */
function curlQuoted(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t')}"`;
}

/** The script's stdin: the curl config, a mark line, the wgetrc (undefined when nothing is secret). */
export function requestStdin(o: RequestOptions): string | undefined {
  if (!hasSecrets(o)) return undefined;
  const curl: string[] = [];
  const wget: string[] = [];
  if (o.username !== undefined || o.password !== undefined) {
    curl.push(`user = ${curlQuoted(`${o.username ?? ''}:${o.password ?? ''}`)}`);
    wget.push(`http_user = ${o.username ?? ''}`, `http_password = ${o.password ?? ''}`);
  }
  for (const [k, v] of o.headers ?? []) {
    curl.push(`header = ${curlQuoted(`${k}: ${v}`)}`);
    wget.push(`header = ${k}: ${v}`);
  }
  return `${curl.join('\n')}\n${WGET_MARK}\n${wget.join('\n')}\n`;
}

/** Shell lines reading requestStdin's text into $FP_CURLRC and $FP_WGETRC (builtins only). */
export const READ_REQUEST = [
  "FP_CURLRC=; FP_WGETRC=; fp_in=c; fp_nl='\n'",
  `while IFS= read -r l; do if [ "$l" = ${WGET_MARK} ]; then fp_in=w; elif [ $fp_in = c ]; then FP_CURLRC="$FP_CURLRC$l$fp_nl"; else FP_WGETRC="$FP_WGETRC$l$fp_nl"; fi; done`,
].join('\n');

/** The flags each tool gets for these options (besides timeout, TLS and output). */
function toolFlags(o: RequestOptions): { curl: string[]; wget: string[] } {
  const secrets = hasSecrets(o);
  const auth = o.username !== undefined || o.password !== undefined;
  return {
    curl: [
      `-A ${shellQuote(o.agent ?? DEFAULT_AGENT)}`,
      ...(o.useProxy !== false ? [] : ["--noproxy '*'"]),
      // Ansible (urllib) sends the credentials only after a 401 challenge unless force_basic_auth.
      ...(auth ? [o.forceBasicAuth ? '--basic' : '--anyauth'] : []),
      ...(secrets ? ['-K -'] : []),
    ],
    wget: [
      `-U ${shellQuote(o.agent ?? DEFAULT_AGENT)}`,
      ...(o.useProxy !== false ? [] : ['--no-proxy']),
      ...(auth && o.forceBasicAuth ? ['--auth-no-challenge'] : []),
      ...(secrets ? ['--config=/dev/stdin'] : []),
    ],
  };
}

/** How the secrets reach each tool: a pipe from printf (a builtin: nothing on a command line). */
function feeds(o: RequestOptions): { curl: string; wget: string } {
  if (!hasSecrets(o)) return { curl: '', wget: '' };
  return { curl: `printf '%s' "$FP_CURLRC" | `, wget: `printf '%s' "$FP_WGETRC" | ` };
}

/**
 * The fetch of `url` into `outWord` ('-' or a quoted word) with the tool in $FP_TOOL; like the lib's
 * fetchCommand, with this request's flags and secrets. `extra` goes to curl before `--` (check mode's -I).
 */
export function requestCommand(url: string, outWord: string, o: RequestOptions): string {
  const t = Math.max(1, Math.round(o.timeoutSec));
  const u = shellQuote(url);
  const f = toolFlags(o);
  const feed = feeds(o);
  const curl = [
    'curl -fsSL',
    `--connect-timeout ${t} --speed-time ${t} --speed-limit 1`,
    ...(o.validateCerts ? [] : ['-k']),
    ...f.curl,
    `-o ${outWord}`,
    '--',
    u,
  ];
  const wget = [
    'wget -nv --tries=1',
    `--timeout=${t}`,
    ...(o.validateCerts ? [] : ['--no-check-certificate']),
    ...f.wget,
    `-O ${outWord}`,
    '--',
    u,
  ];
  return `case "$FP_TOOL" in curl) ${feed.curl}${curl.join(' ')};; wget) ${feed.wget}${wget.join(' ')};; *) echo 'no curl or wget on this host' >&2; (exit ${NO_DOWNLOADER_EXIT});; esac`;
}

/** The request flags for check mode's HEAD/ranged requests (urlCheck.ts): feed, curl flags, wget flags. */
export function checkFlags(o: RequestOptions): { curlFeed: string; curl: string; wgetFeed: string; wget: string } {
  const f = toolFlags(o);
  const feed = feeds(o);
  return { curlFeed: feed.curl, curl: f.curl.join(' '), wgetFeed: feed.wget, wget: f.wget.join(' ') };
}
