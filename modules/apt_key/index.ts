// apt_key: a repository signing key in its own keyring file (/etc/apt/keyrings/<name>.gpg), for a source's
// Signed-By. Ansible's arguments (url, data, file, keyserver, id, keyring, state, validate_certs). Without
// `keyring` it is Ansible's legacy behaviour, among apt's trusted keys (legacy.ts).
//
// The host fetches `url` (curl or wget, as get_url does) and sends the bytes back in the same command that
// reads the keyring file; the controller parses the key (armored or binary OpenPGP), checks `id` (a full
// fingerprint or a 16-digit key ID) and stores it dearmored, or armored when the keyring ends in `.asc`.
// The keyring is written only when its bytes differ, atomically. A corrupt key, a private key, or one whose
// fingerprint is not `id` fails the task before anything is written; check mode fetches the key too (a
// read) and so predicts those failures.
import path from 'node:path';
import { defineModule, read, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import { attributeDiffs, normalizeMode } from '../lib/attributes.ts';
import { DOWNLOADER_PROBE, fetchCommand, NO_DOWNLOADER_EXIT, noDownloaderMessage } from '../lib/download.ts';
import { sha256 } from '../lib/fileContent.ts';
import { fileStateCommand, fromPredicted, parseFileState, setPredictedFile } from '../lib/fileState.ts';
import { requireOneLine } from '../lib/argumentRules.ts';
import { writeRemoteFile } from '../lib/writeFile.ts';
import { describeKeys, KeyFormatError, matchFingerprint, readKeyring, type Keyring } from './openpgp.ts';
import { keyserverUrl, normalizeKeyId } from './legacy.ts';
import { applyLegacy, decideLegacy, fileAfterWrite, keySource, probeLegacy } from './legacySteps.ts';
import { aptKeySchema, DEFAULT_TIMEOUT, type AptKeyArgs, type AptKeyChange, type AptKeyFacts, type KeyProbe } from './schema.ts';

export { aptKeySchema, type AptKeyArgs, type AptKeyChange, type AptKeyFacts };

/** One command: the keyring's state, its bytes (base64), then the fetched key (base64) and the fetch's exit code on stderr. */
export function probeCommand(
  keyring: string,
  url: string | undefined,
  opts: { timeoutSec: number; validateCerts: boolean },
  file?: string,
): string {
  const k = shellQuote(keyring);
  const lines = [
    fileStateCommand(keyring, 'sha256'),
    "echo '--have--'",
    `if [ -f ${k} ]; then base64 -w0 < ${k}; fi`,
    'echo',
    "echo '--key--'",
  ];
  if (url !== undefined) {
    lines.push(DOWNLOADER_PROBE, `{ ${fetchCommand(url, '-', opts)}; echo "fp_rc=$?" >&2; } | base64 -w0`);
  } else if (file !== undefined) {
    lines.push(`{ cat -- ${shellQuote(file)}; echo "fp_rc=$?" >&2; } | base64 -w0`);
  }
  return lines.join('\n');
}

function parseProbe(stdout: string, stderr: string): KeyProbe {
  const [head = '', rest = ''] = stdout.split('--have--\n');
  const [have = '', key = ''] = rest.split('--key--\n');
  const rc = /fp_rc=(\d+)/.exec(stderr);
  return {
    state: parseFileState(head),
    have: Buffer.from(have.trim(), 'base64'),
    ...(rc ? { key: Buffer.from(key.trim(), 'base64'), fetchRc: Number(rc[1]) } : {}),
    stderr: stderr.replace(/fp_rc=\d+\n?/, '').trim(),
  };
}

/** What the arguments lack that the schema does not say: keyserver's id, and a keyring's source. */
function argumentProblem(args: AptKeyArgs): string | undefined {
  if (args.keyserver !== undefined && args.id === undefined) return 'keyserver needs id: the key to fetch from it';
  const sourced = [args.url, args.data, args.file, args.keyserver].some((v) => v !== undefined);
  if (args.keyring !== undefined && args.state !== 'absent' && !sourced)
    return `with keyring, the key needs a source: url, data, file or keyserver (${args.keyring} would be written from it)`;
  return undefined;
}

function* probeAptKey(args: AptKeyArgs, view: ModuleView): Probe<AptKeyFacts> {
  const keyring = args.keyring;
  const problem = argumentProblem(args);
  if (problem) return { kind: 'present', keyring: keyring ?? '', readError: problem };
  if (keyring === undefined) return yield* probeLegacy(args, view);
  requireOneLine('keyring', keyring, 'an apt source (Signed-By)');
  if (args.state === 'absent') {
    const r = yield* read({ command: fileStateCommand(keyring, false) });
    if (r.exitCode !== 0) return { kind: 'absent', keyring, readError: `cannot inspect ${keyring}: ${r.stderr.trim()}` };
    const known = view.check ? view.predicted.file(keyring) : undefined;
    return { kind: 'absent', keyring, state: known ? fromPredicted(known, false) : parseFileState(r.stdout) };
  }
  const opts = { timeoutSec: args.timeout ?? DEFAULT_TIMEOUT, validateCerts: args.validate_certs !== false };
  const source = keySource(args, args.id === undefined ? undefined : normalizeKeyId(args.id));
  const url = source.kind === 'url' ? source.url : undefined;
  const r = yield* read({ command: probeCommand(keyring, url, opts, source.kind === 'file' ? source.path : undefined) });
  if (r.exitCode !== 0)
    return { kind: 'present', keyring, readError: `cannot read ${keyring}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  const probed = parseProbe(r.stdout, r.stderr);
  const predicted = view.check ? view.predicted.file(keyring) : undefined;
  return { kind: 'present', keyring, probe: predicted ? { ...probed, state: fromPredicted(predicted, 'sha256') } : probed };
}

function decideAptKey(args: AptKeyArgs, facts: AptKeyFacts, view: ModuleView): Decision<AptKeyChange> {
  const { keyring } = facts;
  const summary = [{ verb: '', object: 'apt_key change' }];
  if (facts.readError !== undefined) return { kind: 'failed', msg: facts.readError };
  if (facts.kind === 'legacy') return decideLegacy(args, facts, view);
  if (facts.kind === 'absent') {
    if (facts.state?.type === 'absent') return { kind: 'ok', msg: `${keyring} is absent`, data: { keyring } };
    return {
      kind: 'change',
      msg: `remove ${keyring}`,
      summary,
      data: { keyring },
      change: { kind: 'remove', keyring, predicted: { type: 'absent' } },
    };
  }
  const p = facts.probe as KeyProbe;
  const url = args.url ?? (args.keyserver !== undefined ? keyserverUrl(args.keyserver, normalizeKeyId(args.id ?? '') ?? '') : undefined);
  const source = url ?? args.file ?? 'the data argument';
  if (args.file !== undefined && p.fetchRc !== 0)
    return { kind: 'failed', msg: `cannot read the key from ${args.file}: ${p.stderr || `exit ${p.fetchRc}`}; ${keyring} was not changed` };
  if (url !== undefined && p.fetchRc !== 0) {
    if (p.fetchRc === NO_DOWNLOADER_EXIT) return { kind: 'failed', msg: noDownloaderMessage(view.host) };
    return { kind: 'failed', msg: `cannot download the key from ${url}: ${p.stderr || `exit ${p.fetchRc}`}; ${keyring} was not changed` };
  }
  const raw = url !== undefined || args.file !== undefined ? (p.key ?? Buffer.alloc(0)) : Buffer.from(args.data ?? '');
  let key: Keyring;
  try {
    key = readKeyring(raw);
  } catch (e) {
    if (!(e instanceof KeyFormatError)) throw e;
    return { kind: 'failed', msg: `${source} is not a usable OpenPGP public key: ${e.message}; ${keyring} was not changed` };
  }
  const fingerprints = key.keys.map((k) => k.fingerprint);
  const data = { keyring, fingerprints, ...(url ? { url } : {}) };
  if (args.id !== undefined) {
    const m = matchFingerprint(key, args.id);
    if (!m.matched) return { kind: 'failed', msg: `${m.reason}; ${keyring} was not changed`, data };
  }
  const armored = keyring.endsWith('.asc');
  if (armored && !raw.toString('utf8').includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
    return { kind: 'failed', msg: `${keyring} ends in .asc (armored), but ${source} is a binary key; name the keyring *.gpg`, data };
  }
  const content = armored ? raw : key.binary;
  const mode = normalizeMode(args.mode) ?? '0644';
  const same = p.state.type === 'file' && p.state.checksum === sha256(content);
  if (p.state.type !== 'file' && p.state.type !== 'absent')
    return { kind: 'failed', msg: `${keyring} exists and is not a regular file (${p.state.type})`, data };
  const attrs = p.state.type === 'file' ? attributeDiffs(keyring, p.state, { mode }) : [];
  if (same && attrs.length === 0) return { kind: 'ok', msg: `${keyring} holds ${describeKeys(key).join('; ')}`, data };
  const verb = p.state.type === 'absent' ? 'add' : same ? 'set mode of' : 'replace';
  return {
    kind: 'change',
    msg: `${verb} ${keyring}${same ? '' : `: ${describeKeys(key).join('; ')}`}`,
    summary,
    diff: [...(same ? [] : [{ header: `keys in ${keyring}`, before: keysText(p.have), after: describeKeys(key).join('\n') }]), ...attrs],
    data,
    change: {
      kind: 'write',
      keyring,
      content,
      mode,
      done: `${verb === 'add' ? 'added' : verb === 'replace' ? 'replaced' : 'set mode of'} ${keyring}`,
      data,
      predicted: { type: 'file', checksum: sha256(content), size: content.length, mode, owner: 'root', group: 'root' },
    },
  };
}

// The keys a keyring file on the host holds, for the diff's "before" side.
function keysText(have: Buffer): string {
  if (have.length === 0) return '';
  try {
    return describeKeys(readKeyring(have)).join('\n');
  } catch (e) {
    return `(not a readable keyring: ${(e as Error).message})`;
  }
}

/** The apt_key module. */
export const aptKeyModule = defineModule<AptKeyArgs, AptKeyFacts, AptKeyChange>({
  name: 'apt_key',
  summary: "A repository signing key in a keyring file (or, without keyring, apt's trusted keys).",
  runsOn: 'host',
  schema: aptKeySchema,
  probe: probeAptKey,
  decide: decideAptKey,
  async apply(change, host) {
    if (change.kind === 'legacy') return applyLegacy(change.legacy, change.data, host);
    const { keyring } = change;
    if (change.kind === 'remove') {
      const rm = await host.run(`rm -f -- ${shellQuote(keyring)}`);
      return rm.exitCode === 0
        ? { kind: 'changed', msg: `removed ${keyring}`, data: { keyring } }
        : { kind: 'failed', msg: rm.stderr.trim() };
    }
    const dir = path.posix.dirname(keyring);
    const mk = await host.run(`mkdir -p -m 0755 -- ${shellQuote(dir)}`);
    if (mk.exitCode !== 0) return { kind: 'failed', msg: `cannot create ${dir}: ${mk.stderr.trim()}`, data: change.data };
    await writeRemoteFile(host, keyring, change.content, { mode: change.mode });
    return { kind: 'changed', msg: change.done, data: change.data };
  },
  predict(decision, predicted) {
    if (decision.kind !== 'change') return;
    const c = decision.change;
    if (c.kind !== 'legacy') return setPredictedFile(predicted, c.keyring, c.predicted);
    const l = c.legacy;
    if (l.kind === 'write') setPredictedFile(predicted, l.path, fileAfterWrite(l.content));
    if (l.kind === 'remove') for (const f of l.files) setPredictedFile(predicted, f, { type: 'absent' });
  },
});
