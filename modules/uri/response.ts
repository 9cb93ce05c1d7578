// uri's answer: the request script's output parsed into Ansible's result (status, url, headers as
// lower-case keys, content, json, redirected, elapsed, msg) and the verdict on the status.
import { BLOCKED_KEYS } from '../../engine/blockedKeys.ts';
import type { ResultData } from '../../engine/types.ts';
import { maskUrl } from '../get_url/urlCheck.ts';
import type { UriRequest } from './request.ts';

/** What the request script printed, split into its parts. */
export interface UriOutput {
  rc: number;
  /** HTTP status, -1 when no answer came. */
  status: number;
  redirects: number;
  seconds: number;
  contentType: string;
  effectiveUrl: string;
  err: string;
  /** The last response's header block (status line first). */
  head: string[];
  dest?: 'same' | 'written';
  body?: Buffer;
}

/** Splits the script's stdout into its parts (see requestScript). */
export function parseUriOutput(stdout: string): UriOutput {
  const sections = new Map<string, string[]>();
  let current = 'pre';
  sections.set(current, []);
  for (const line of stdout.split('\n')) {
    const m = /^--(meta|err|head|dest|body)--$/.exec(line);
    if (m) {
      current = m[1] as string;
      sections.set(current, []);
    } else sections.get(current)?.push(line);
  }
  const rc = Number(/^rc=(\d+)$/m.exec((sections.get('pre') ?? []).join('\n'))?.[1] ?? -1);
  const meta = sections.get('meta') ?? [];
  const [code, redirects, seconds] = (meta[0] ?? '').split(' ');
  const status = Number(code);
  const dest = (sections.get('dest') ?? [])[0];
  const body = sections.get('body');
  return {
    rc,
    status: Number.isInteger(status) && status > 0 ? status : -1,
    redirects: Number(redirects) || 0,
    seconds: Number(seconds) || 0,
    contentType: meta[1] ?? '',
    effectiveUrl: meta[2] ?? '',
    err: (sections.get('err') ?? []).join('\n').trim(),
    head: lastHeaderBlock(sections.get('head') ?? []),
    ...(dest === 'same' || dest === 'written' ? { dest } : {}),
    ...(body ? { body: Buffer.from(body.join(''), 'base64') } : {}),
  };
}

/** The last response's header lines of curl's -D dump (one block per redirect or 100 Continue). */
function lastHeaderBlock(lines: string[]): string[] {
  const blocks: string[][] = [];
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (/^HTTP\/\S+ \d{3}/.test(line)) blocks.push([line]);
    else if (line !== '') blocks.at(-1)?.push(line);
  }
  return blocks.at(-1) ?? [];
}

/** Python's repr of a list of ints, as Ansible's message shows status_code: [200, 201]. */
function pyList(codes: number[]): string {
  return `[${codes.join(', ')}]`;
}

/** The result Ansible registers, and whether the task failed. */
export function uriResult(req: UriRequest, out: UriOutput): { failed: boolean; msg: string; data: ResultData } {
  const data: ResultData = {};
  const [statusLine, ...headers] = out.head;
  for (const h of headers) {
    const i = h.indexOf(':');
    if (i <= 0) continue;
    const key = h.slice(0, i).trim().toLowerCase().replace(/-/g, '_');
    if (BLOCKED_KEYS.has(key)) continue;
    data[key] = h.slice(i + 1).trim();
  }
  const reason = statusLine ? (/^HTTP\/\S+ \d{3} ?(.*)$/.exec(statusLine)?.[1] ?? '') : '';
  // Ansible's messages: urllib's "OK (N bytes)" (the Content-Length, else unknown), "HTTP Error N: reason".
  let info: string;
  if (out.status === -1) info = `Request failed: ${out.err || `curl exit ${out.rc}`}`;
  else if (out.status >= 400) info = `HTTP Error ${out.status}: ${reason}`;
  else info = `OK (${typeof data.content_length === 'string' ? data.content_length : 'unknown'} bytes)`;
  Object.assign(data, {
    status: out.status,
    url: maskUrl(out.effectiveUrl || req.url),
    redirected: out.redirects > 0,
    elapsed: Math.floor(out.seconds),
  });
  if (req.dest !== undefined) data.path = req.dest;
  const text = out.body?.toString('utf8');
  if (text !== undefined && /json/i.test(out.contentType)) {
    try {
      data.json = JSON.parse(text);
    } catch {
      // Ansible leaves json out when the body does not parse.
    }
  }
  if (req.returnContent && text !== undefined) data.content = text;
  const failed = !req.statusCodes.includes(out.status);
  const msg = failed ? `Status code was ${out.status} and not ${pyList(req.statusCodes)}: ${info}` : info;
  return { failed, msg, data: { ...data, msg } };
}
