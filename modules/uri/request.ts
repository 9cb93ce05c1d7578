// uri's request: the arguments resolved into one request, the curl config that carries it (on stdin,
// so neither the password nor any other value is on a command line), and the host-side script.
import { operandPath, shellQuote } from '../../engine/quote.ts';
import type { UriArgs } from './schema.ts';

/** One HTTP request as the host will send it. */
export interface UriRequest {
  url: string;
  method: string;
  /** The request body, already serialized (absent: no body). */
  body?: string;
  headers: Array<[string, string]>;
  /** The statuses that count as success. */
  statusCodes: number[];
  returnContent: boolean;
  timeoutSec: number;
  validateCerts: boolean;
  /** Whether redirects are followed for this method. */
  follow: boolean;
  auth?: { user: string; password: string; force: boolean };
  dest?: string;
  unixSocket?: string;
  /** The User-Agent (Ansible's default: ansible-httpget). */
  agent: string;
  /** Host-side files: CA bundle, client certificate and key. */
  tls: { caPath?: string; clientCert?: string; clientKey?: string };
}

/** Exit status of the script when the host has no curl. */
export const NO_CURL_EXIT = 127;

/** Resolves the arguments into a request, or an error message (a body that cannot be serialized, a bad header). */
export function buildRequest(args: UriArgs): UriRequest | string {
  const method = (args.method ?? 'GET').toUpperCase();
  const headers: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(args.headers ?? {})) {
    // A name or value with a line break would add headers of its own (header injection).
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return `header name '${name}' is not a valid HTTP header name`;
    const v = String(value);
    if (/[\r\n\0]/.test(v)) return `header '${name}' has a line break or NUL in its value`;
    headers.push([name, v]);
  }
  const body = serializeBody(args.body, args.body_format ?? 'raw');
  if (typeof body === 'object' && body !== null) return body.error;
  const hasType = headers.some(([n]) => n.toLowerCase() === 'content-type');
  if (body !== undefined && !hasType) {
    if (args.body_format === 'json') headers.push(['Content-Type', 'application/json']);
    if (args.body_format === 'form-urlencoded') headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
  }
  const req: UriRequest = {
    url: args.url,
    method,
    headers,
    statusCodes: statusCodes(args.status_code),
    returnContent: args.return_content === true,
    timeoutSec: args.timeout ?? 30,
    validateCerts: args.validate_certs !== false,
    follow: followsRedirects(args.follow_redirects, method),
    agent: args.http_agent ?? 'ansible-httpget',
    tls: {
      ...(args.ca_path !== undefined ? { caPath: args.ca_path } : {}),
      ...(args.client_cert !== undefined ? { clientCert: args.client_cert } : {}),
      ...(args.client_key !== undefined ? { clientKey: args.client_key } : {}),
    },
    ...(body !== undefined ? { body } : {}),
    ...(args.dest !== undefined ? { dest: args.dest } : {}),
    ...(args.unix_socket !== undefined ? { unixSocket: args.unix_socket } : {}),
  };
  if (args.url_username !== undefined || args.url_password !== undefined) {
    req.auth = { user: args.url_username ?? '', password: args.url_password ?? '', force: args.force_basic_auth === true };
  }
  return req;
}

/** status_code as a list: an integer, a list, or Ansible's comma-separated string; 200 by default. */
export function statusCodes(value: UriArgs['status_code']): number[] {
  if (value === undefined) return [200];
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.map(Number);
  return value.split(',').map((s) => Number(s.trim()));
}

/**
 * Whether redirects are followed: `all`/`yes`/true always, `none`/`no`/false never, `safe` (the default)
 * and `urllib2` for GET and HEAD only (urllib2 follows POST's 303 too in Ansible; here it is as safe).
 */
export function followsRedirects(value: UriArgs['follow_redirects'], method: string): boolean {
  if (value === true || value === 'all' || value === 'yes') return true;
  if (value === false || value === 'none' || value === 'no') return false;
  return method === 'GET' || method === 'HEAD';
}

/** The body as the request carries it, or an error for a value its format cannot hold. */
export function serializeBody(body: unknown, format: 'raw' | 'json' | 'form-urlencoded'): string | undefined | { error: string } {
  if (body === undefined || body === null) return undefined;
  if (format === 'json') return typeof body === 'string' ? body : JSON.stringify(body);
  if (format === 'form-urlencoded') {
    if (typeof body === 'string') return body;
    const pairs = formPairs(body);
    if (typeof pairs === 'string') return { error: pairs };
    return pairs.map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`).join('&');
  }
  if (typeof body === 'string') return body;
  if (typeof body === 'number' || typeof body === 'boolean') return String(body);
  return { error: 'body is a mapping or list but body_format is raw; set body_format: json or form-urlencoded' };
}

function formPairs(body: unknown): Array<[string, string]> | string {
  const scalar = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  if (Array.isArray(body)) {
    const out: Array<[string, string]> = [];
    for (const item of body) {
      if (!Array.isArray(item) || item.length !== 2) return 'a form-urlencoded body given as a list must hold [name, value] pairs';
      out.push([scalar(item[0]), scalar(item[1])]);
    }
    return out;
  }
  if (typeof body === 'object' && body !== null) return Object.entries(body).map(([k, v]) => [k, scalar(v)]);
  return 'a form-urlencoded body must be a string, a mapping or a list of pairs';
}

/** application/x-www-form-urlencoded as Python's urlencode writes it (space as '+'). */
function formEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** A value quoted for a curl config file: "…" with \\, \", \n, \r, \t, \v escaped. */
export function curlConfigQuote(value: string): string {
  const esc: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
  return `"${value.replace(/[\\"\n\r\t\v]/g, (c) => esc[c] ?? c)}"`;
}

/** The curl config (`curl -K -` reads it from stdin): every value of the request, the password among them. */
export function curlConfig(req: UriRequest): string {
  const t = Math.max(1, Math.round(req.timeoutSec));
  const lines = [
    `url = ${curlConfigQuote(req.url)}`,
    `connect-timeout = ${t}`,
    // A stalled answer (under 1 byte/s for the timeout) fails like a socket timeout; a long download does not.
    `speed-time = ${t}`,
    'speed-limit = 1',
  ];
  if (req.method === 'HEAD') lines.push('head');
  else if (req.method !== 'GET' || req.body !== undefined) lines.push(`request = ${curlConfigQuote(req.method)}`);
  if (req.body !== undefined) lines.push(`data-binary = ${curlConfigQuote(req.body)}`);
  for (const [n, v] of req.headers) lines.push(`header = ${curlConfigQuote(`${n}: ${v}`)}`);
  if (req.follow) lines.push('location', 'max-redirs = 10');
  if (!req.validateCerts) lines.push('insecure');
  // A User-Agent in headers wins, as in Ansible.
  if (!req.headers.some(([n]) => n.toLowerCase() === 'user-agent')) lines.push(`user-agent = ${curlConfigQuote(req.agent)}`);
  if (req.tls.caPath !== undefined) lines.push(`cacert = ${curlConfigQuote(req.tls.caPath)}`);
  if (req.tls.clientCert !== undefined) lines.push(`cert = ${curlConfigQuote(req.tls.clientCert)}`);
  if (req.tls.clientKey !== undefined) lines.push(`key = ${curlConfigQuote(req.tls.clientKey)}`);
  if (req.unixSocket !== undefined) lines.push(`unix-socket = ${curlConfigQuote(req.unixSocket)}`);
  if (req.auth) {
    lines.push(`user = ${curlConfigQuote(`${req.auth.user}:${req.auth.password}`)}`);
    // Ansible sends credentials only when challenged, unless force_basic_auth (then Basic up front).
    if (!req.auth.force) lines.push('anyauth');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The script the host runs with the curl config on stdin: curl into a temp file (beside dest when
 * there is one), then print rc, curl's write-out, stderr, the headers and (when wanted) the body in
 * base64. With dest, a success status other than 304 renames the body over dest unless dest already
 * holds the same bytes (`dest=same`/`dest=written`).
 */
export function requestScript(req: UriRequest): string {
  const lines = [
    `command -v curl >/dev/null 2>&1 || { echo 'uri needs curl on the host and it is not installed' >&2; exit ${NO_CURL_EXIT}; }`,
    'd=$(mktemp -d) || exit 1',
  ];
  let p = '';
  if (req.dest !== undefined) {
    p = shellQuote(operandPath(req.dest));
    lines.push(
      `dir=$(dirname -- ${p})`,
      `[ -d "$dir" ] || { printf 'Destination directory %s does not exist\\n' "$dir" >&2; rm -rf -- "$d"; exit 1; }`,
      `body=$(mktemp -- "$dir/.fleetplay-uri.XXXXXX") || { rm -rf -- "$d"; exit 1; }`,
      `trap 'rm -rf -- "$d" "$body"' EXIT`,
    );
  } else {
    lines.push('body="$d/body"', `trap 'rm -rf -- "$d"' EXIT`);
  }
  lines.push(
    `curl -K - -sS -o "$body" -D "$d/head" -w '%{http_code} %{num_redirects} %{time_total}\\n%{content_type}\\n%{url_effective}\\n' > "$d/meta" 2> "$d/err"; rc=$?`,
    `code=$(sed -n '1s/ .*//p' "$d/meta"); ct=$(sed -n 2p "$d/meta"); out="$body"`,
    // curl --head writes the headers where the body goes; a HEAD answer has no body (Ansible's content is '').
    ...(req.method === 'HEAD' ? [': > "$body"'] : []),
    `printf 'rc=%s\\n--meta--\\n' "$rc"; cat "$d/meta"; echo '--err--'; cat "$d/err"; echo '--head--'; cat "$d/head"`,
  );
  if (req.dest !== undefined) {
    const codes = req.statusCodes.map((c) => String(Math.trunc(c))).join(' ');
    lines.push(
      `if [ "$rc" = 0 ] && [ "$code" != 304 ] && case " ${codes} " in *" $code "*) true;; *) false;; esac; then`,
      `  if [ -f ${p} ] && cmp -s -- "$body" ${p}; then echo '--dest--'; echo same`,
      `  else { if [ -e ${p} ]; then chmod --reference=${p} -- "$body" && { chown --reference=${p} -- "$body" 2>/dev/null || true; }; else chmod -- "$(printf %o $((0666 & ~0$(umask))))" "$body"; fi && mv -fT -- "$body" ${p}; } || exit 1; echo '--dest--'; echo written; fi`,
      // The content returned is dest's, as Ansible reads it back.
      `  out=${p}`,
      'fi',
    );
  }
  const want = req.returnContent ? 'true' : 'case "$ct" in *[Jj][Ss][Oo][Nn]*) true;; *) false;; esac';
  lines.push(`if [ -f "$out" ] && ${want}; then echo '--body--'; base64 < "$out"; fi`);
  return lines.join('\n');
}
