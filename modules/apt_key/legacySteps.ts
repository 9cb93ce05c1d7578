// apt_key's steps without `keyring` (legacy.ts has the decisions): where the key comes from, the probe,
// the decision wrapped for the engine, and apply.
import { read, type Decision, type ModuleHost, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome, PredictedFile } from '../../engine/types.ts';
import { sha256 } from '../lib/fileContent.ts';
import { writeRemoteFile } from '../lib/writeFile.ts';
import {
  decideLegacyAbsent,
  decideLegacyPresent,
  keyserverUrl,
  legacyProbeCommand,
  normalizeKeyId,
  parseLegacyProbe,
  TRUSTED_DIR,
  type KeySource,
  type LegacyChange,
  type LegacyProbe,
} from './legacy.ts';
import { DEFAULT_TIMEOUT, type AptKeyArgs, type AptKeyChange, type AptKeyFacts } from './schema.ts';

/** Where the key comes from: url, keyserver (as an HKP URL), data or a file on the host. */
export function keySource(args: AptKeyArgs, id: string | undefined): KeySource {
  if (args.url !== undefined) return { kind: 'url', url: args.url, what: args.url };
  if (args.keyserver !== undefined) {
    const url = keyserverUrl(args.keyserver, id ?? '');
    return { kind: 'url', url, what: `key server ${args.keyserver} (${url})` };
  }
  if (args.data !== undefined) return { kind: 'data', data: args.data };
  if (args.file !== undefined) return { kind: 'file', path: args.file };
  return { kind: 'none' };
}

/** The legacy probe: one read (legacy.ts); in check mode, keyrings an earlier task removes are left out. */
export function* probeLegacy(args: AptKeyArgs, view: ModuleView): Probe<AptKeyFacts> {
  const id = args.id === undefined ? undefined : normalizeKeyId(args.id);
  const source = keySource(args, id);
  const base = { kind: 'legacy' as const, keyring: '' as const, source, ...(id ? { id } : {}) };
  if (args.id !== undefined && !id)
    return { ...base, readError: `Invalid key_id '${args.id}': 8, 16 or more hexadecimal digits (an optional 0x in front)` };
  const opts = { timeoutSec: args.timeout ?? DEFAULT_TIMEOUT, validateCerts: args.validate_certs !== false };
  const fetch = args.state === 'absent' ? { kind: 'none' as const } : source;
  const r = yield* read({ command: legacyProbeCommand(fetch, opts) });
  if (r.exitCode !== 0) return { ...base, readError: `cannot read apt's trusted keys: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  const probe = parseLegacyProbe(r.stdout, r.stderr);
  // Check mode: a trusted keyring an earlier task would remove is gone.
  if (view.check) probe.trusted = probe.trusted.filter((t) => view.predicted.file(t.path)?.type !== 'absent');
  return { ...base, probe };
}

/** The legacy decision, as the engine takes it. */
export function decideLegacy(args: AptKeyArgs, facts: Extract<AptKeyFacts, { kind: 'legacy' }>, view: ModuleView): Decision<AptKeyChange> {
  const probe = facts.probe as LegacyProbe;
  const same = (path: string, content: Buffer) => {
    const p = view.check ? view.predicted.file(path) : undefined;
    return p?.type === 'file' && p.checksum === sha256(content);
  };
  const v =
    args.state === 'absent' ? decideLegacyAbsent(probe, facts.id) : decideLegacyPresent(probe, facts.id, facts.source, view.host, same);
  if (v.kind !== 'change') return v;
  const summary = [{ verb: '', object: 'apt_key change' }];
  return { kind: 'change', msg: v.msg, data: v.data, summary, change: { kind: 'legacy', keyring: '', legacy: v.change, data: v.data } };
}

/** A keyring file as writeRemoteFile leaves it (mode 0644, root's). */
export function fileAfterWrite(content: Buffer): PredictedFile {
  return { type: 'file', checksum: sha256(content), size: content.length, mode: '0644', owner: 'root', group: 'root' };
}

/** Applies a legacy change: apt-key add, a file in trusted.gpg.d, or removals. */
export async function applyLegacy(change: LegacyChange, data: Record<string, unknown>, host: ModuleHost): Promise<ApplyOutcome> {
  if (change.kind === 'apt-key-add') {
    const r = await host.run('apt-key add -', { stdin: change.key });
    if (r.exitCode !== 0) return { kind: 'failed', msg: `apt-key add failed: ${r.stderr.trim() || r.stdout.trim()}`, data };
    return { kind: 'changed', msg: `added ${change.fingerprints.join(', ')} with apt-key add`, data };
  }
  if (change.kind === 'write') {
    const mk = await host.run(`mkdir -p -m 0755 -- ${shellQuote(TRUSTED_DIR)}`);
    if (mk.exitCode !== 0) return { kind: 'failed', msg: `cannot create ${TRUSTED_DIR}: ${mk.stderr.trim()}`, data };
    await writeRemoteFile(host, change.path, change.content, { mode: '0644' });
    return { kind: 'changed', msg: `added ${change.path}`, data };
  }
  const steps = [
    ...(change.files.length ? [`rm -f -- ${change.files.map(shellQuote).join(' ')}`] : []),
    ...(change.aptKeyDel ? [`apt-key del ${shellQuote(change.aptKeyDel)}`] : []),
  ];
  const r = await host.run(steps.join(' && '));
  if (r.exitCode !== 0) return { kind: 'failed', msg: `removing the key failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`, data };
  return {
    kind: 'changed',
    msg: `removed ${[...change.files, ...(change.aptKeyDel ? [`key ${change.aptKeyDel} (apt-key del)`] : [])].join(', ')}`,
    data,
  };
}
