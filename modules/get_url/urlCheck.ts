// Check mode's look at a download URL, as Ansible's get_url does in check mode (a HEAD request; a failing
// answer fails the task): the host asks with the real download's tool and options, so a URL the real run
// could not fetch (404, refused, unknown host) is `failed` in --check too. A server that refuses HEAD gets
// a ranged GET of one byte; one that refuses both leaves the outcome `unknown`, never a false failure.
import { shellQuote } from '../../engine/quote.ts';
import { checkFlags, type RequestOptions } from './request.ts';

/** One request's answer: the final HTTP status (0: no HTTP answer at all) and the tool's output. */
export interface UrlAttempt {
  code: number;
  text: string;
}

/** The HEAD request's answer, and the ranged GET's when HEAD got an HTTP error. */
export interface UrlCheck {
  head: UrlAttempt;
  range?: UrlAttempt;
}

/** What the check says about the real download. */
export type UrlVerdict = { kind: 'ok' } | { kind: 'failed'; msg: string } | { kind: 'unknown'; msg: string };

/**
 * Shell lines defining `fp_check`, which asks for `url` with the tool in $FP_TOOL and prints
 * `head_code=NNN` and `head:<line>` (then `range_…` when HEAD got an HTTP error). Every output line is
 * prefixed, so nothing the server or tool says can pass for another probe line.
 */
export function urlCheckFunctions(url: string, opts: RequestOptions): string {
  const t = Math.max(1, Math.round(opts.timeoutSec));
  const u = shellQuote(url);
  // The real download's options (request.ts): same timeouts, TLS choice, redirects, agent, proxy, credentials and headers.
  const f = checkFlags(opts);
  const curl = `${f.curlFeed}curl -fsSL $1 --connect-timeout ${t} --speed-time ${t} --speed-limit 1${opts.validateCerts ? '' : ' -k'} ${f.curl} -o /dev/null -w '\\nhttp_code=%{http_code}\\n' -- ${u}`;
  const wget = `${f.wgetFeed}wget -S --tries=1 --timeout=${t}${opts.validateCerts ? '' : ' --no-check-certificate'} ${f.wget}`;
  return [
    'fp_try() {',
    '  case "$FP_TOOL" in',
    `    curl) fp_out=$(${curl} 2>&1) ;;`,
    // wget: --spider sends HEAD; the ranged GET pipes into `head -c 1`, so a server ignoring the range costs one buffer, not the file.
    `    wget) if [ "$2" = head ]; then fp_out=$(${wget} --spider -- ${u} 2>&1); else fp_out=$({ ${wget} --header='Range: bytes=0-0' -O - -- ${u} 2>&3 | head -c 1 >/dev/null; } 3>&1); fi ;;`,
    "    *) fp_out='no curl or wget on this host' ;;",
    '  esac',
    // The last status seen is the final one after redirects (curl's -w line, wget's -S lines).
    `  fp_code=$(printf '%s\\n' "$fp_out" | sed -n -e 's/^http_code=\\([0-9]*\\)$/\\1/p' -e 's/^ *HTTP\\/[0-9.]* \\([0-9][0-9][0-9]\\).*/\\1/p' | tail -n 1)`,
    `  printf '%s_code=%s\\n' "$2" "\${fp_code:-000}"`,
    `  while IFS= read -r l; do printf '%s:%s\\n' "$2" "$l"; done <<FP_TRY\n$fp_out\nFP_TRY`,
    '}',
    // Any HTTP error to HEAD gets the ranged GET: servers refuse HEAD with 405/501, signed URLs with 403.
    "fp_check() { fp_try -I head; case ${fp_code:-000} in 000|[23]??) ;; *) fp_try '-r 0-0 --max-filesize 1' range ;; esac; }",
  ].join('\n');
}

/** Reads fp_check's lines out of the probe output; undefined when the check did not run. */
export function parseUrlCheck(output: string): UrlCheck | undefined {
  const attempt = (name: string): UrlAttempt | undefined => {
    const code = new RegExp(`^${name}_code=(\\d+)$`, 'm').exec(output);
    if (!code) return undefined;
    const prefix = `${name}:`;
    const text = output
      .split('\n')
      .filter((l) => l.startsWith(prefix))
      .map((l) => l.slice(prefix.length))
      .join('\n')
      .trim();
    return { code: Number(code[1]), text };
  };
  const head = attempt('head');
  if (!head) return undefined;
  const range = attempt('range');
  return range ? { head, range } : { head };
}

/** Judges the check as the real download would fare; messages name the URL with its password masked. */
export function judgeUrlCheck(check: UrlCheck, url: string): UrlVerdict {
  const shown = maskUrl(url);
  const { head, range } = check;
  if (head.code >= 200 && head.code < 400) return { kind: 'ok' };
  if (head.code === 0) return { kind: 'failed', msg: `cannot download ${shown}: ${errorText(head, url)} (check mode: HEAD request)` };
  if (!range) return { kind: 'unknown', msg: `HEAD ${shown} answered HTTP ${head.code}; cannot tell whether the download would succeed` };
  // 416: the range does not fit an empty file, which the download would still fetch.
  if ((range.code >= 200 && range.code < 300) || range.code === 416) return { kind: 'ok' };
  if (range.code === 405 || range.code === 501) {
    return {
      kind: 'unknown',
      msg: `${shown} refused both HEAD (HTTP ${head.code}) and a ranged GET (HTTP ${range.code}); cannot tell whether the download would succeed`,
    };
  }
  return { kind: 'failed', msg: `cannot download ${shown}: ${errorText(range, url)} (check mode: HEAD and a ranged GET)` };
}

/** The tool's error for a failed attempt: curl's own message, else the HTTP status, else wget's last line. */
function errorText(a: UrlAttempt, url: string): string {
  const lines = a.text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  // curl's (63) only says the one-byte cap stopped the body: the status says more.
  const curl = lines.filter((l) => l.startsWith('curl:') && !l.startsWith('curl: (63)'));
  const text =
    curl.length > 0
      ? curl.join('; ')
      : a.code > 0
        ? `the server answered HTTP ${a.code}`
        : (lines.filter((l) => !/^http_code=/.test(l)).pop() ?? 'no answer');
  return text.split(url).join(maskUrl(url));
}

/** The URL with any password replaced by '********' (as shown in messages). */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '********';
    return u.toString();
  } catch {
    return url.replace(/(\/\/[^/:@\s]*:)[^/@\s]*@/, '$1********@');
  }
}
