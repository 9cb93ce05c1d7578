// unarchive's change: unpack the archive into a staging directory inside dest, then move only the
// members that differ into place, each with one rename (so a running binary is replaced atomically and
// an unchanged file keeps its inode). A failure leaves dest as it was, minus members already moved.
import { operandPath, shellCommand, shellQuote } from '../../engine/quote.ts';
import type { Drift } from './archiveCompare.ts';
import { tarCompressionFlag, zipMemberArg } from './archiveFormat.ts';
import { zipExclude, type ManifestSpec } from './archiveManifest.ts';
import { fetchCommand, type FetchOptions } from '../lib/download.ts';
import { writtenLine } from '../lib/hashCache.ts';
import { ownerSpec } from '../lib/attributes.ts';
import { SHA256_PROBE } from '../lib/remoteSha256.ts';

/** Where apply gets the archive: the host's file, a download by the host, or bytes sent from the controller. */
export type ExtractSource =
  | { kind: 'remote'; path: string }
  | { kind: 'url'; url: string; fetch: FetchOptions; tool: 'curl' | 'wget' }
  | { kind: 'controller'; bytes: Buffer };

/** One planned extraction. */
export interface ExtractJob {
  source: ExtractSource;
  /** The archive the plan looked at; apply refuses another one. */
  archiveSha: string;
  dest: string;
  spec: ManifestSpec;
  drift: Drift[];
  owner?: string;
  group?: string;
  /** Ansible's `mode`: set on every member moved or fixed, symlinks excepted (chmod takes a symbolic one as Ansible does). */
  mode?: string;
}

/** Exit statuses of the extract script that have their own message. */
export const EXTRACT_EXIT = { fetch: 66, changed: 67, unpack: 68 } as const;

/** The script; its stdin is extractStdin(job). */
export function extractScript(job: ExtractJob): string {
  const src = job.source;
  const owner = ownerSpec(job);
  const lines = [
    'set -e',
    SHA256_PROBE,
    `tab='\t'`,
    `D=${shellQuote(job.dest)}`,
    'stage=; arch=',
    // The action list comes first on stdin, up to a line with a single dot; the archive bytes (if any) follow.
    'list=; while IFS= read -r line; do [ "$line" = . ] && break; list="$list$line\n"; done',
    `trap 'rm -rf -- "$stage"; ${src.kind === 'remote' ? '' : 'rm -f -- "$arch"'}' EXIT`,
  ];
  // unzip has no `--`: a relative archive path starting with '-' gets './' in front.
  if (src.kind === 'remote') lines.push(`arch=${shellQuote(operandPath(src.path))}`);
  else lines.push('arch=$(mktemp "${TMPDIR:-/tmp}/fleetplay-unarchive.XXXXXX")');
  if (src.kind === 'controller') lines.push('cat > "$arch"');
  if (src.kind === 'url') lines.push(`FP_TOOL=${src.tool}`, `${fetchCommand(src.url, '"$arch"', src.fetch)} || exit ${EXTRACT_EXIT.fetch}`);
  lines.push(
    `asum=$($FP_SHA < "$arch" | cut -c1-64); [ "$asum" = ${job.archiveSha} ] || { echo "archive_sha=$asum"; exit ${EXTRACT_EXIT.changed}; }`,
    'stage=$(mktemp -d -- "$D/.fleetplay-unarchive.XXXXXX")',
    `${unpackCommand(job.spec)} || exit ${EXTRACT_EXIT.unpack}`,
    `printf "$list" | while IFS="$tab" read -r act mode val name; do`,
    '  t="$D/$name"',
    '  case $act in',
    '    d) if [ ! -d "$t" ]; then mkdir -p -- "$t"; [ "$mode" = - ] || chmod -- "$mode" "$t"; fi ;;',
    // The parent by parameter expansion, and mkdir only when missing: two forks fewer per member.
    '    m) p=${t%/*}; [ -d "$p" ] || mkdir -p -- "$p"; mv -fT -- "$stage/$name" "$t" ;;',
    '    h) p=${t%/*}; [ -d "$p" ] || mkdir -p -- "$p"; ln -f -- "$D/$val" "$stage/.fleetplay-link"; mv -fT -- "$stage/.fleetplay-link" "$t" ;;',
    '  esac',
    owner ? `  chown -h -- ${shellQuote(owner)} "$t"` : '  :',
    ...(job.mode ? [`  [ -L "$t" ] || chmod -- ${shellQuote(job.mode)} "$t"`] : []),
    // A regular file moved into place has the member's content: its sha256 is `val`.
    `  if [ "$act" = m ] && [ -f "$t" ] && [ ! -L "$t" ]; then ${writtenLine('"$t"', '"$val"')}; fi`,
    'done',
  );
  return lines.join('\n');
}

/** Stdin for extractScript: the action list, a "." line, then the archive bytes for a controller source. */
export function extractStdin(job: ExtractJob): Buffer {
  const writes = job.drift.filter((d) => d.action === 'write');
  const ordered = [
    ...writes.filter((d) => d.entry.kind === 'd'),
    ...writes.filter((d) => d.entry.kind !== 'd' && d.entry.kind !== 'h'),
    ...writes.filter((d) => d.entry.kind === 'h'),
    ...job.drift.filter((d) => d.action === 'chown'),
  ];
  const lines = ordered.map((d) => {
    const act = d.action === 'chown' ? 'c' : d.entry.kind === 'd' ? 'd' : d.entry.kind === 'h' ? 'h' : 'm';
    // printf "$list" interprets backslashes and percent signs; escape them in names.
    return [act, d.entry.mode ?? '-', d.entry.value ?? '-', d.entry.name].map(escapeForPrintf).join('\t');
  });
  const head = Buffer.from(`${lines.join('\n')}\n.\n`);
  return job.source.kind === 'controller' ? Buffer.concat([head, job.source.bytes]) : head;
}

function escapeForPrintf(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

function unpackCommand(spec: ManifestSpec): string {
  if (spec.format.kind === 'zip') {
    return `unzip -q -o "$arch" ${spec.include.length ? `${shellCommand(...spec.include.map(zipMemberArg))} ` : ''}${zipExclude(spec).trimStart()}${spec.exclude?.length ? ' ' : ''}-d "$stage"`;
  }
  const flag = tarCompressionFlag(spec.format);
  return [
    'tar -x',
    ...(flag ? [flag] : []),
    '-f "$arch" -C "$stage" --no-same-owner',
    ...spec.extraOpts.map((o) => shellQuote(o)),
    ...(spec.exclude ?? []).map((e) => shellQuote(`--exclude=${e}`)),
    ...(spec.include.length ? ['--', shellCommand(...spec.include)] : []),
  ].join(' ');
}
