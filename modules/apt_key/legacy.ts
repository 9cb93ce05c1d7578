// apt_key without `keyring`: Ansible's legacy behaviour, a key among apt's trusted keys (/etc/apt/trusted.gpg
// and /etc/apt/trusted.gpg.d/), with Ansible's deprecation note in the result's warnings.
//
// Which way the key is added is decided on the host, in the probe's one read: when both `apt-key` and `gpg`
// are installed, `apt-key add -` (as Ansible does; apt-key cannot add or list without gpg). Otherwise (Debian
// 13 ships no apt-key, and a minimal Debian 12, like the lab's nodes, has apt-key but no gpg) the key is
// written dearmored to /etc/apt/trusted.gpg.d/<id>.gpg, which apt trusts the same way. Whether the key is
// already trusted is decided on the controller: the probe sends every trusted keyring back and openpgp.ts
// reads them (what `apt-key list` would list), so check mode knows without gpg.
//
// Sources: url, data, file (on the host), keyserver (fetched by the host over HKP: hkp:// is http on port
// 11371, hkps:// is https, a bare name is hkp://name). `id` is 8, 16 or more hex digits (optional 0x), as in
// Ansible, matched against the end of a fingerprint.
import { shellQuote } from '../../engine/quote.ts';
import { DOWNLOADER_PROBE, fetchCommand, NO_DOWNLOADER_EXIT, noDownloaderMessage } from '../lib/download.ts';
import { describeKeys, KeyFormatError, readKeyring, type Keyring } from './openpgp.ts';

/** Ansible's note on apt_key (its documentation), returned as the result's warning. */
export const DEPRECATION =
  'The apt-key command used by this module has been deprecated. See the Debian wiki for details. This module is kept for backwards compatibility for systems that still use apt-key as the main way to manage apt repository keys.';

/** apt's legacy keyring, and the directory of keyrings it trusts. */
export const TRUSTED = '/etc/apt/trusted.gpg';
export const TRUSTED_DIR = '/etc/apt/trusted.gpg.d';

/** Where the key comes from, when it is not trusted yet. */
export type KeySource =
  | { kind: 'url'; url: string; what: string }
  | { kind: 'data'; data: string }
  | { kind: 'file'; path: string }
  | { kind: 'none' };

/** What the legacy probe read. */
export interface LegacyProbe {
  /** apt-key and gpg are both installed. */
  aptKey: boolean;
  /** Each trusted keyring file and its bytes. */
  trusted: Array<{ path: string; bytes: Buffer }>;
  /** The fetched or read key, with the fetch's exit code (url, keyserver, file). */
  key?: Buffer;
  rc?: number;
  stderr: string;
}

/** The change the legacy path makes. */
export type LegacyChange =
  | { kind: 'apt-key-add'; key: Buffer; fingerprints: string[] }
  | { kind: 'write'; path: string; content: Buffer; fingerprints: string[] }
  | { kind: 'remove'; files: string[]; aptKeyDel?: string };

/** Normalises an Ansible key id: hex, 8, 16 or more digits, optional 0x; undefined when invalid. */
export function normalizeKeyId(id: string): string | undefined {
  const hex = id.replace(/\s+/g, '').replace(/^0x/i, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex)) return undefined;
  return hex.length === 8 || hex.length >= 16 ? hex : undefined;
}

/** The URL a key server gives the key at (HKP's lookup), for a key id. */
export function keyserverUrl(keyserver: string, id: string): string {
  const m = /^(hkps?|https?):\/\/([^/]+)\/?$/.exec(keyserver);
  const scheme = m?.[1] ?? 'hkp';
  const host = m?.[2] ?? keyserver;
  const base =
    scheme === 'hkp'
      ? `http://${host.includes(':') ? host : `${host}:11371`}`
      : scheme === 'hkps'
        ? `https://${host}`
        : `${scheme}://${host}`;
  return `${base}/pks/lookup?op=get&options=mr&search=0x${id}`;
}

/** The one read: whether apt-key can be used, every trusted keyring (base64), then the key from its source. */
export function legacyProbeCommand(source: KeySource, opts: { timeoutSec: number; validateCerts: boolean }): string {
  const lines = [
    'export LC_ALL=C',
    "if command -v apt-key >/dev/null 2>&1 && command -v gpg >/dev/null 2>&1; then echo '@@tool apt-key'; fi",
    `for f in ${TRUSTED} ${TRUSTED_DIR}/*.gpg ${TRUSTED_DIR}/*.asc; do`,
    '  [ -f "$f" ] || continue',
    `  printf '@@file %s ' "$f"; base64 -w0 < "$f"; echo`,
    'done',
  ];
  if (source.kind === 'url') {
    lines.push(DOWNLOADER_PROBE, `printf '@@key '; { ${fetchCommand(source.url, '-', opts)}; echo "fp_rc=$?" >&2; } | base64 -w0; echo`);
  } else if (source.kind === 'file') {
    const f = shellQuote(source.path);
    lines.push(`printf '@@key '; { base64 -w0 < ${f}; echo "fp_rc=$?" >&2; }; echo`);
  }
  return lines.join('\n');
}

/** Parses the legacy probe's output. */
export function parseLegacyProbe(stdout: string, stderr: string): LegacyProbe {
  const out: LegacyProbe = { aptKey: false, trusted: [], stderr: stderr.replace(/fp_rc=\d+\n?/g, '').trim() };
  for (const line of stdout.split('\n')) {
    if (line === '@@tool apt-key') out.aptKey = true;
    const file = /^@@file (.*) (\S*)$/.exec(line);
    if (file) out.trusted.push({ path: file[1] as string, bytes: Buffer.from(file[2] as string, 'base64') });
    const key = /^@@key (\S*)$/.exec(line);
    if (key) out.key = Buffer.from(key[1] as string, 'base64');
  }
  const rc = /fp_rc=(\d+)/.exec(stderr);
  if (rc) out.rc = Number(rc[1]);
  return out;
}

interface TrustedKeys {
  path: string;
  keyring: Keyring;
}

function readTrusted(probe: LegacyProbe): TrustedKeys[] {
  const out: TrustedKeys[] = [];
  for (const t of probe.trusted) {
    try {
      out.push({ path: t.path, keyring: readKeyring(t.bytes) });
    } catch (e) {
      // apt ignores a keyring it cannot read; so does this check.
      if (!(e instanceof KeyFormatError)) throw e;
    }
  }
  return out;
}

/** True when a key (its primary key or, with `subkeys`, a subkey) has a fingerprint ending in `id`. */
function keyMatches(key: Keyring['keys'][number], id: string, subkeys: boolean): boolean {
  return key.fingerprint.endsWith(id) || (subkeys && key.subkeys.some((s) => s.fingerprint.endsWith(id)));
}

/** The decision's verdicts, for index.ts to wrap. */
export type LegacyVerdict =
  | { kind: 'ok'; msg: string; data: Record<string, unknown> }
  | { kind: 'failed'; msg: string; data?: Record<string, unknown> }
  | { kind: 'change'; msg: string; data: Record<string, unknown>; change: LegacyChange };

/** state: present. `id` is normalised (or undefined); `source` says where a missing key comes from. */
export function decideLegacyPresent(
  probe: LegacyProbe,
  id: string | undefined,
  source: KeySource,
  host: string,
  predictedSame: (path: string, content: Buffer) => boolean,
): LegacyVerdict {
  const warnings = [DEPRECATION];
  const trusted = readTrusted(probe);
  if (id) {
    const found = trusted.find((t) => t.keyring.keys.some((k) => keyMatches(k, id, true)));
    if (found) return { kind: 'ok', msg: `key ${id} is already trusted (${found.path})`, data: { id, warnings } };
  }
  if (source.kind === 'none')
    return { kind: 'failed', msg: `needed a URL but was not specified (key ${id} is not among apt's trusted keys)` };
  let raw: Buffer;
  if (source.kind === 'data') raw = Buffer.from(source.data);
  else {
    if (probe.rc === NO_DOWNLOADER_EXIT && source.kind === 'url') return { kind: 'failed', msg: noDownloaderMessage(host) };
    if (probe.rc !== 0) {
      const from = source.kind === 'url' ? source.what : source.path;
      return {
        kind: 'failed',
        msg: `cannot ${source.kind === 'url' ? 'fetch' : 'read'} the key from ${from}: ${probe.stderr || `exit ${probe.rc}`}`,
      };
    }
    raw = probe.key ?? Buffer.alloc(0);
  }
  let key: Keyring;
  try {
    key = readKeyring(raw);
  } catch (e) {
    if (!(e instanceof KeyFormatError)) throw e;
    return { kind: 'failed', msg: `the key is not a usable OpenPGP public key: ${e.message}` };
  }
  const fingerprints = key.keys.map((k) => k.fingerprint);
  if (id && !key.keys.some((k) => keyMatches(k, id, true)))
    return {
      kind: 'failed',
      msg: `key does not seem to have been added: the key has ${fingerprints.join(', ')}, not ${id}`,
      data: { id, fingerprints },
    };
  const all = fingerprints.every((fp) => trusted.some((t) => t.keyring.keys.some((k) => k.fingerprint === fp)));
  if (all) return { kind: 'ok', msg: `already trusted: ${describeKeys(key).join('; ')}`, data: { fingerprints, warnings } };
  if (probe.aptKey) {
    return {
      kind: 'change',
      msg: `add ${describeKeys(key).join('; ')} with apt-key add (to ${TRUSTED})`,
      data: { fingerprints, warnings },
      change: { kind: 'apt-key-add', key: raw, fingerprints },
    };
  }
  const path = `${TRUSTED_DIR}/${id ?? fingerprints[0]}.gpg`;
  if (predictedSame(path, key.binary))
    return { kind: 'ok', msg: `${path} holds ${describeKeys(key).join('; ')}`, data: { fingerprints, warnings } };
  return {
    kind: 'change',
    msg: `add ${describeKeys(key).join('; ')} as ${path} (this host cannot run apt-key add, which needs apt-key and gpg)`,
    data: { fingerprints, keyring: path, warnings },
    change: { kind: 'write', path, content: key.binary, fingerprints },
  };
}

/** state: absent: files in trusted.gpg.d holding only that key are removed; a key in a shared keyring needs apt-key del. */
export function decideLegacyAbsent(probe: LegacyProbe, id: string | undefined): LegacyVerdict {
  if (!id) return { kind: 'failed', msg: 'key is required: state absent without keyring needs id' };
  const warnings = [DEPRECATION];
  const holding = readTrusted(probe).filter((t) => t.keyring.keys.some((k) => keyMatches(k, id, false)));
  if (!holding.length) return { kind: 'ok', msg: `key ${id} is not among apt's trusted keys`, data: { id, warnings } };
  const own = holding.filter((t) => t.path.startsWith(`${TRUSTED_DIR}/`) && t.keyring.keys.every((k) => keyMatches(k, id, false)));
  const shared = holding.filter((t) => !own.includes(t));
  if (shared.length && !probe.aptKey)
    return {
      kind: 'failed',
      msg: `key ${id} is in ${shared.map((t) => t.path).join(', ')} beside other keys; removing one key from a keyring needs apt-key and gpg, which this host lacks`,
    };
  const files = own.map((t) => t.path);
  return {
    kind: 'change',
    msg: [
      ...(files.length ? [`remove ${files.join(', ')}`] : []),
      ...(shared.length ? [`apt-key del ${id.slice(-8)} (from ${shared.map((t) => t.path).join(', ')})`] : []),
    ].join('; '),
    data: { id, warnings },
    change: { kind: 'remove', files, ...(shared.length ? { aptKeyDel: id.slice(-8) } : {}) },
  };
}
