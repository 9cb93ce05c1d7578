// apt_key: a repository signing key in its own keyring file (/etc/apt/keyrings/<name>.gpg), for a source's
// Signed-By. Ansible's arguments (url, data, id, keyring, state); fleetplay never uses the deprecated
// `apt-key`, so `keyring` is required.
//
// The host fetches `url` (curl or wget, as get_url does) and sends the bytes back in the same command that
// reads the keyring file; the controller parses the key (armored or binary OpenPGP), checks `id` (a full
// fingerprint or a 16-digit key ID) and stores it dearmored, or armored when the keyring ends in `.asc`.
// The keyring is written only when its bytes differ, atomically. A corrupt key, a private key, or one whose
// fingerprint is not `id` fails the task before anything is written; check mode fetches the key too (a
// read) and so predicts those failures.
import path from 'node:path';
import { shellQuote } from '../engine/quote.ts';
import type { ModuleContext, ModuleDefinition, Plan, Vars } from '../engine/types.ts';
import { attributeDiffs, normalizeMode } from './lib/attributes.ts';
import { DOWNLOADER_PROBE, fetchCommand, NO_DOWNLOADER_EXIT, noDownloaderMessage } from './lib/download.ts';
import { sha256 } from './lib/fileContent.ts';
import { fileStateCommand, fromPredicted, parseFileState, predictFile, type FileState } from './lib/fileState.ts';
import { describeKeys, KeyFormatError, matchFingerprint, readKeyring, type Keyring } from './lib/openpgp.ts';
import { modeSchema } from './lib/schemas.ts';
import { requireOneLine } from './lib/argumentRules.ts';
import { writeRemoteFile } from './lib/writeFile.ts';

/** Default seconds the host waits for the key server. */
const DEFAULT_TIMEOUT = 10;

/** The apt_key module. */
export const aptKeyModule: ModuleDefinition = {
  name: 'apt_key',
  runsOn: 'host',
  schema: {
    type: 'object',
    properties: {
      url: { type: 'string', pattern: '^(https?|ftp)://' },
      data: { type: 'string', minLength: 1 },
      id: { type: 'string', minLength: 1 },
      // An absolute path, named on a source's Signed-By line: no newline, CR or NUL.
      keyring: { type: 'string', pattern: '^/[^\\n\\r\\x00]*$', description: 'an absolute path on one line (no newline, carriage return or NUL)' },
      state: { enum: ['present', 'absent'] },
      mode: modeSchema,
      timeout: { type: 'integer', minimum: 1 },
      validate_certs: { type: 'boolean' },
    },
    required: ['keyring'],
    if: { properties: { state: { const: 'absent' } }, required: ['state'] },
    then: { not: { anyOf: [{ required: ['url'] }, { required: ['data'] }] } },
    else: { oneOf: [{ required: ['url'] }, { required: ['data'] }] },
    additionalProperties: false,
  },
  async plan(args, ctx) {
    const keyring = String(args.keyring);
    requireOneLine('keyring', keyring, 'an apt source (Signed-By)');
    if (args.state === 'absent') return planAbsent(ctx, keyring);
    return planPresent(ctx, args, keyring);
  },
};

/** One command: the keyring's state, its bytes (base64), then the fetched key (base64) and the fetch's exit code on stderr. */
export function probeCommand(keyring: string, url: string | undefined, opts: { timeoutSec: number; validateCerts: boolean }): string {
  const k = shellQuote(keyring);
  const lines = [fileStateCommand(keyring, 'sha256'), "echo '--have--'", `if [ -f ${k} ]; then base64 -w0 < ${k}; fi`, 'echo', "echo '--key--'"];
  if (url !== undefined) {
    lines.push(DOWNLOADER_PROBE, `{ ${fetchCommand(url, '-', opts)}; echo "fp_rc=$?" >&2; } | base64 -w0`);
  }
  return lines.join('\n');
}

interface Probe {
  state: FileState;
  have: Buffer;
  key?: Buffer;
  fetchRc?: number;
  stderr: string;
}

function parseProbe(stdout: string, stderr: string): Probe {
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

async function planPresent(ctx: ModuleContext, args: Vars, keyring: string): Promise<Plan> {
  const url = typeof args.url === 'string' ? args.url : undefined;
  const source = url ?? 'the data argument';
  const opts = { timeoutSec: typeof args.timeout === 'number' ? args.timeout : DEFAULT_TIMEOUT, validateCerts: args.validate_certs !== false };
  const r = await ctx.run(probeCommand(keyring, url, opts), { readOnly: true });
  if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot read ${keyring}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  const probed = parseProbe(r.stdout, r.stderr);
  const predicted = ctx.check ? ctx.predicted.file(keyring) : undefined;
  const p = predicted ? { ...probed, state: fromPredicted(predicted, 'sha256') } : probed;
  if (url !== undefined && p.fetchRc !== 0) {
    if (p.fetchRc === NO_DOWNLOADER_EXIT) return { kind: 'failed', msg: noDownloaderMessage(ctx.host) };
    return { kind: 'failed', msg: `cannot download the key from ${url}: ${p.stderr || `exit ${p.fetchRc}`}; ${keyring} was not changed` };
  }
  const raw = url !== undefined ? (p.key ?? Buffer.alloc(0)) : Buffer.from(String(args.data));
  let key: Keyring;
  try {
    key = readKeyring(raw);
  } catch (e) {
    if (!(e instanceof KeyFormatError)) throw e;
    return { kind: 'failed', msg: `${source} is not a usable OpenPGP public key: ${e.message}; ${keyring} was not changed` };
  }
  const fingerprints = key.keys.map((k) => k.fingerprint);
  const data = { keyring, fingerprints, ...(url ? { url } : {}) };
  if (typeof args.id === 'string') {
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
  if (p.state.type !== 'file' && p.state.type !== 'absent') return { kind: 'failed', msg: `${keyring} exists and is not a regular file (${p.state.type})`, data };
  const attrs = p.state.type === 'file' ? attributeDiffs(keyring, p.state, { mode }) : [];
  if (same && attrs.length === 0) return { kind: 'ok', msg: `${keyring} holds ${describeKeys(key).join('; ')}`, data };
  predictFile(ctx, keyring, { type: 'file', checksum: sha256(content), size: content.length, mode, owner: 'root', group: 'root' });
  const verb = p.state.type === 'absent' ? 'add' : same ? 'set mode of' : 'replace';
  return {
    kind: 'change',
    msg: `${verb} ${keyring}${same ? '' : `: ${describeKeys(key).join('; ')}`}`,
    diff: [...(same ? [] : [{ header: `keys in ${keyring}`, before: keysText(p.have), after: describeKeys(key).join('\n') }]), ...attrs],
    data,
    apply: async () => {
      const dir = path.posix.dirname(keyring);
      const mk = await ctx.run(`mkdir -p -m 0755 -- ${shellQuote(dir)}`);
      if (mk.exitCode !== 0) return { kind: 'failed', msg: `cannot create ${dir}: ${mk.stderr.trim()}`, data };
      await writeRemoteFile(ctx, keyring, content, { mode });
      return { kind: 'changed', msg: `${verb === 'add' ? 'added' : verb === 'replace' ? 'replaced' : 'set mode of'} ${keyring}`, data };
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

async function planAbsent(ctx: ModuleContext, keyring: string): Promise<Plan> {
  const r = await ctx.run(fileStateCommand(keyring, false), { readOnly: true });
  if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot inspect ${keyring}: ${r.stderr.trim()}` };
  const state = parseFileState(r.stdout);
  const known = ctx.check ? ctx.predicted.file(keyring) : undefined;
  if ((known ?? state).type === 'absent') return { kind: 'ok', msg: `${keyring} is absent`, data: { keyring } };
  predictFile(ctx, keyring, { type: 'absent' });
  return {
    kind: 'change',
    msg: `remove ${keyring}`,
    data: { keyring },
    apply: async () => {
      const rm = await ctx.run(`rm -f -- ${shellQuote(keyring)}`);
      return rm.exitCode === 0 ? { kind: 'changed', msg: `removed ${keyring}`, data: { keyring } } : { kind: 'failed', msg: rm.stderr.trim() };
    },
  };
}
