// What get_url reads: one command (downloader, dest's state and sha256, the upstream checksum file,
// in check mode the URL's answer), and in check mode a second one when only the predicted state makes
// a download likely.
import path from 'node:path';
import { read, type ModuleView, type Probe } from '../../engine/module.ts';
import { wantedAttributes } from '../lib/attributes.ts';
import { parseChecksumArg, urlFileName, type ChecksumSpec } from '../lib/download.ts';
import { knownHashes, rememberHashes, under } from '../lib/hashCache.ts';
import { decideGetUrl } from './getUrlDecision.ts';
import { getUrlProbeScript, parseGetUrlProbe, predictProbe } from './getUrlProbe.ts';
import type { GetUrlArgs } from './schema.ts';
import type { GetUrlFacts, GetUrlTask } from './types.ts';
import { DEFAULT_AGENT, READ_REQUEST, requestStdin, type RequestOptions } from './request.ts';
import { maskUrl, parseUrlCheck, urlCheckFunctions, type UrlCheck } from './urlCheck.ts';

/** The limit of a read that carries secrets on stdin (its own limit keeps it out of batches). */
const SECRET_READ_TIMEOUT_MS = 3_600_000;

/** The request arguments as the fetches use them. */
export function requestOptions(args: GetUrlArgs): RequestOptions {
  return {
    timeoutSec: args.timeout ?? 10,
    validateCerts: args.validate_certs !== false,
    ...(args.url_username !== undefined ? { username: args.url_username } : {}),
    ...(args.url_password !== undefined ? { password: args.url_password } : {}),
    forceBasicAuth: args.force_basic_auth === true,
    headers: Object.entries(args.headers ?? {}).map(([k, v]) => [k, String(v)] as [string, string]),
    agent: args.http_agent ?? DEFAULT_AGENT,
    useProxy: args.use_proxy !== false,
  };
}

export function* probeGetUrl(args: GetUrlArgs, view: ModuleView): Probe<GetUrlFacts> {
  const { url, dest } = args;
  let checksum: ChecksumSpec | undefined;
  try {
    checksum = args.checksum !== undefined ? parseChecksumArg(args.checksum) : undefined;
  } catch (err) {
    return { kind: 'verdict', verdict: { kind: 'failed', msg: (err as Error).message } };
  }
  const fetch = requestOptions(args);
  const force = args.force === true;
  const fileName = urlFileName(url);
  // A bad owner or group is refused before the host is asked anything.
  const wanted = wantedAttributes(args);
  const tmpDest = args.tmp_dest;
  const task: GetUrlTask = {
    url,
    dest,
    fetch,
    force,
    fileName,
    wanted,
    backup: args.backup === true,
    ...(checksum ? { checksum } : {}),
    ...(tmpDest !== undefined ? { tmpDest } : {}),
  };
  // The secrets go on stdin. A read with its own time limit is never batched with other reads, whose
  // stdin travels inside the batch's command line (engine/connection/batch.ts): this one's stays off it.
  const secret = requestStdin(fetch);
  const privately = secret === undefined ? {} : { stdin: secret, timeoutMs: SECRET_READ_TIMEOUT_MS };
  const streamSum = force && checksum === undefined;
  // Check mode: a dest an earlier task would create is not on the host, so stream the URL regardless.
  const predictedDest = view.check
    ? (view.predicted.file(dest) ?? (fileName ? view.predicted.file(path.posix.join(dest, fileName)) : undefined))
    : undefined;
  const owner = { host: view.host, vars: view.vars };
  const r = yield* read({
    command: getUrlProbeScript({
      url,
      dest,
      fileName,
      fetch,
      ...(tmpDest !== undefined ? { tmpDest } : {}),
      destSum: checksum !== undefined || force,
      ...(checksum?.kind === 'url' ? { sumsUrl: checksum.url } : {}),
      streamSum,
      streamAlways: streamSum && predictedDest !== undefined,
      hashes: knownHashes(owner, under(dest)),
      // Check mode asks for the URL in this same command when a download looks likely (urlCheck.ts).
      ...(view.check ? { checkUrl: checksum?.kind === 'digest' ? { digest: checksum.sha256 } : {} } : {}),
    }),
    ...privately,
  });
  if (r.exitCode !== 0)
    return { kind: 'verdict', verdict: { kind: 'failed', msg: `cannot inspect ${dest}: ${r.stderr.trim() || `exit ${r.exitCode}`}` } };
  rememberHashes(owner, r.stdout);
  const seen = parseGetUrlProbe(r.stdout, r.stderr);
  const probe = view.check
    ? predictProbe(
        seen,
        { dest, fileName, needSum: checksum !== undefined || force, ...(tmpDest !== undefined ? { tmpDest } : {}) },
        view.predicted,
      )
    : seen;
  if (typeof probe === 'string') return { kind: 'verdict', verdict: { kind: 'unknown', msg: probe, data: { dest, url } } };
  const facts: GetUrlFacts = { kind: 'probed', task, probe, owner };
  if (!view.check) return facts;
  // Check mode, a download planned: would the real download get an answer? A streamed sum (force
  // without checksum) already fetched the URL; otherwise ask for it as Ansible does, from the probe's
  // request when it made one, else (the predicted state made a download likely where the host's state
  // did not) with one more read-only command.
  const decision = decideGetUrl(probe, {
    host: view.host,
    url,
    fileName,
    force,
    wanted,
    ...(checksum ? { checksum } : {}),
    ...(tmpDest !== undefined ? { tmpDest } : {}),
  });
  if (decision.kind !== 'download' || (decision.compareWithDest && probe.stream?.rc === 0)) return facts;
  const urlCheck: UrlCheck | string =
    probe.urlCheck ??
    (yield* read({
      command: `${secret === undefined ? '' : `${READ_REQUEST}\n`}FP_TOOL=${probe.tool}\n${urlCheckFunctions(url, fetch)}\nfp_check`,
      ...privately,
      parse: (c) => parseUrlCheck(c.stdout) ?? `cannot check ${maskUrl(url)}: ${c.stderr.trim() || `exit ${c.exitCode}`}`,
    }));
  return { ...facts, urlCheck };
}
