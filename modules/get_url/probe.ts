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
import { maskUrl, parseUrlCheck, urlCheckFunctions, type UrlCheck } from './urlCheck.ts';

export function* probeGetUrl(args: GetUrlArgs, view: ModuleView): Probe<GetUrlFacts> {
  const { url, dest } = args;
  let checksum: ChecksumSpec | undefined;
  try {
    checksum = args.checksum !== undefined ? parseChecksumArg(args.checksum) : undefined;
  } catch (err) {
    return { kind: 'verdict', verdict: { kind: 'failed', msg: (err as Error).message } };
  }
  const fetch = { timeoutSec: args.timeout ?? 10, validateCerts: args.validate_certs !== false };
  const force = args.force === true;
  const fileName = urlFileName(url);
  // A bad owner or group is refused before the host is asked anything.
  const wanted = wantedAttributes(args);
  const task: GetUrlTask = { url, dest, fetch, force, fileName, wanted, ...(checksum ? { checksum } : {}) };
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
      destSum: checksum !== undefined || force,
      ...(checksum?.kind === 'url' ? { sumsUrl: checksum.url } : {}),
      streamSum,
      streamAlways: streamSum && predictedDest !== undefined,
      hashes: knownHashes(owner, under(dest)),
      // Check mode asks for the URL in this same command when a download looks likely (urlCheck.ts).
      ...(view.check ? { checkUrl: checksum?.kind === 'digest' ? { digest: checksum.sha256 } : {} } : {}),
    }),
  });
  if (r.exitCode !== 0)
    return { kind: 'verdict', verdict: { kind: 'failed', msg: `cannot inspect ${dest}: ${r.stderr.trim() || `exit ${r.exitCode}`}` } };
  rememberHashes(owner, r.stdout);
  const seen = parseGetUrlProbe(r.stdout, r.stderr);
  const probe = view.check ? predictProbe(seen, { dest, fileName, needSum: checksum !== undefined || force }, view.predicted) : seen;
  if (typeof probe === 'string') return { kind: 'verdict', verdict: { kind: 'unknown', msg: probe, data: { dest, url } } };
  const facts: GetUrlFacts = { kind: 'probed', task, probe, owner };
  if (!view.check) return facts;
  // Check mode, a download planned: would the real download get an answer? A streamed sum (force
  // without checksum) already fetched the URL; otherwise ask for it as Ansible does, from the probe's
  // request when it made one, else (the predicted state made a download likely where the host's state
  // did not) with one more read-only command.
  const decision = decideGetUrl(probe, { host: view.host, url, fileName, force, wanted, ...(checksum ? { checksum } : {}) });
  if (decision.kind !== 'download' || (decision.compareWithDest && probe.stream?.rc === 0)) return facts;
  const urlCheck: UrlCheck | string =
    probe.urlCheck ??
    (yield* read({
      command: `FP_TOOL=${probe.tool}\n${urlCheckFunctions(url, fetch)}\nfp_check`,
      parse: (c) => parseUrlCheck(c.stdout) ?? `cannot check ${maskUrl(url)}: ${c.stderr.trim() || `exit ${c.exitCode}`}`,
    }));
  return { ...facts, urlCheck };
}
