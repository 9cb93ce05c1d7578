// unarchive's read-only probe: one remote command that checks `creates`, dest and the needed programs,
// identifies the archive by sha256, gets its manifest (from the controller's cache when the sha256
// matches, else by streaming the archive once) and reports each member's state under dest.
import { operandPath, shellQuote } from '../../engine/quote.ts';
import type { ManifestEntry, ManifestSpec } from './archiveManifest.ts';
import { manifestPipeline, parseManifestRecord } from './archiveManifest.ts';
import { DOWNLOADER_PROBE, fetchCommand, type FetchOptions } from '../lib/download.ts';
import { hashCacheScript, IDENTITY_FORMAT, type KnownHashes } from '../lib/hashCache.ts';
import { SHA256_PROBE } from '../lib/remoteSha256.ts';

/** Where the archive is: a file on the host, a URL the host fetches, or the controller (manifest sent on stdin). */
export type ProbeSource = { kind: 'remote'; path: string } | { kind: 'url'; url: string; fetch: FetchOptions } | { kind: 'given' };

/** What the probe needs to know. */
export interface ArchiveProbeRequest {
  source: ProbeSource;
  dest: string;
  /** Check mode: an earlier task would create dest, so plan as if it existed (empty where missing). */
  assumeDest?: boolean;
  creates?: string;
  spec: ManifestSpec;
  programs: string[];
  /** Hashes remembered for this host: unchanged files are not hashed again. */
  hashes?: KnownHashes;
  /**
   * With no cached manifest of the archive (remote and URL sources): list it here (true, the default),
   * or stop after its sha256 with `manifest=needed`, so that one host lists it for all (manifestListScript).
   */
  listFresh?: boolean;
}

/** What is at dest/<member> on the host. `value`: sha256 (files of the right size), link target, or 'same' (hard link in place). */
export interface DestMember {
  type: 'file' | 'dir' | 'link' | 'other' | 'absent';
  mode?: string;
  owner?: string;
  group?: string;
  value?: string;
  /** Modification time in whole seconds (keep_newer). */
  mtime?: number;
}

/** One member and the matching path under dest. */
export interface MemberState {
  entry: ManifestEntry;
  dest: DestMember;
}

/** The parsed probe output. */
export interface ArchiveProbe {
  uid: number;
  umask: number;
  createsExists: boolean;
  destMissing: boolean;
  missingPrograms: string[];
  srcMissing: boolean;
  noDownloader: boolean;
  /** The downloader found (URL sources). */
  tool?: 'curl' | 'wget';
  fetchRc?: number;
  archiveSha?: string;
  manifest?: 'cached' | 'fresh' | 'given' | 'needed';
  manifestRc?: number;
  /** The working directory a relative dest is resolved against (Ansible warns with the absolute path). */
  cwd?: string;
  members: MemberState[];
  /** dest's attributes, as Ansible's result reports them. */
  destInfo?: { uid: number; gid: number; mode: string; size: number; owner: string; group: string };
}

// Reads records on stdin and prints "R<TAB>record<TAB>dest type, mode, owner, group, value<TAB>name".
// All members are stat'ed by one `stat` (xargs keeps their order; a missing path prints nothing), then
// matched in order; the type comes from the raw mode (%f: S_IFLNK 0xA000, S_IFREG 0x8000, S_IFDIR
// 0x4000), since %F is translated. Regular files are hashed only when their size matches the member's.
// A few processes per archive instead of one `stat` per member.
const PROBE_LOOP = [
  'recs=$(cat)',
  // dest itself comes first: Ansible's result reports its attributes (dest_stat).
  'sts=$({ printf \'%s\\n\' "$D"; printf \'%s\\n\' "$recs" | while IFS="$tab" read -r kind mode size mt val name; do [ -z "$name" ] || printf \'%s\\n\' "$D/$name"; done; } |',
  `  xargs -r -d '\\n' stat --printf "%n\${tab}%f\${tab}%a\${tab}%U\${tab}%G\${tab}%s\${tab}${IDENTITY_FORMAT}\${tab}%u:%g\\n" -- 2>/dev/null)`,
  `fp_ifs=$IFS; IFS='\n'; set -f; set -- $sts; set +f; IFS=$fp_ifs`,
  'case ${1-} in "$D$tab"*) printf \'dest_stat=%s\\n\' "${1#"$D$tab"}"; shift ;; esac',
  'printf \'%s\\n\' "$recs" | while IFS="$tab" read -r kind mode size mt val name; do',
  '  [ -n "$name" ] || continue',
  '  p="$D/$name"; dt=absent; dv=-; dm=-; da="-${tab}-${tab}-"',
  '  case ${1-} in "$p$tab"*)',
  '    st=${1#"$p$tab"}; shift; ty=${st%%"$tab"*}; st=${st#*"$tab"}; st=${st%"$tab"*}',
  '    id=${st##*"$tab"}; st=${st%"$tab"*}; sz=${st##*"$tab"}; da=${st%"$tab"*}',
  // The identity is dev:ino:size:mtime:ctime; its mtime (whole seconds) serves keep_newer.
  '    dm=${id#*:*:*:}; dm=${dm%%[.:]*}',
  '    case $((0x$ty & 61440)) in',
  '      40960) dt=link; dv=$(readlink -- "$p") ;;',
  '      32768) dt=file',
  '        if [ "$kind" = f ] && { [ "$size" = - ] || [ "$sz" = "$size" ]; }; then fp_sum "$p" "$id"; dv=$FP_SUM; fi',
  '        if [ "$kind" = h ] && [ "$p" -ef "$D/$val" ]; then dv=same; fi ;;',
  '      16384) dt=dir ;;',
  '      *) dt=other ;;',
  '    esac ;;',
  '  esac',
  `  printf 'R\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "$kind" "$mode" "$size" "$mt" "$val" "$dt" "$da" "$dv" "$dm" "$name"`,
  'done',
].join('\n');

/** The probe as one shell script. Its stdin: cached manifests ("@<sha256>" then records) or, for `given`, the manifest. */
export function archiveProbeScript(req: ArchiveProbeRequest): string {
  const src = req.source;
  const lines = [SHA256_PROBE, hashCacheScript(req.hashes ?? {}), `tab='\t'`, 'echo "uid=$(id -u)"; printf umask=; umask'];
  if (!req.dest.startsWith('/')) lines.push('printf \'cwd=%s\\n\' "$PWD"');
  if (req.creates) lines.push(`if [ -e ${shellQuote(req.creates)} ] || [ -L ${shellQuote(req.creates)} ]; then echo creates=1; exit 0; fi`);
  lines.push(`D=${shellQuote(req.dest)}`);
  if (!req.assumeDest) lines.push('if [ ! -d "$D" ]; then echo dest=missing; exit 0; fi');
  if (req.programs.length) {
    lines.push(
      `missing=; for prog in ${req.programs.join(' ')}; do command -v "$prog" >/dev/null 2>&1 || missing="$missing $prog"; done`,
      'if [ -n "$missing" ]; then echo "missing=$missing"; exit 0; fi',
    );
  }
  if (src.kind === 'given') {
    lines.push('echo manifest=given', PROBE_LOOP);
    return lines.join('\n');
  }
  let fresh: string;
  if (src.kind === 'remote') {
    // unzip -Z has no `--`: a relative path starting with '-' gets './' in front.
    const a = shellQuote(operandPath(src.path));
    lines.push(`if [ ! -f ${a} ]; then echo src=missing; exit 0; fi`, `fp_sum ${a}; asum=$FP_SUM`, 'echo "archive_sha=$asum"');
    fresh = manifestPipeline(req.spec, a);
  } else {
    const fetch = fetchCommand(src.url, '-', src.fetch);
    lines.push(
      DOWNLOADER_PROBE,
      'if [ -z "$FP_TOOL" ]; then echo downloader=none; exit 0; fi',
      'echo "tool=$FP_TOOL"',
      `r=$( { { ${fetch}; echo "fetch_rc=$?" >&3; } | $FP_SHA | cut -c1-64 | sed 's/^/archive_sha=/'; } 3>&1 )`,
      `printf '%s\\n' "$r"`,
      'case $r in *fetch_rc=0*) ;; *) exit 0 ;; esac',
      `asum=$(printf '%s\\n' "$r" | sed -n 's/^archive_sha=//p')`,
    );
    fresh = `${fetch} | ${manifestPipeline(req.spec, '-')}`;
  }
  lines.push(
    `m=$(awk -v s="@$asum" '$0 == s { on = 1; next } /^@/ { on = 0 } on')`,
    'if [ -n "$m" ]; then echo manifest=cached; printf \'%s\\n\' "$m" | {',
    PROBE_LOOP,
    ...(req.listFresh === false
      ? ['}; else echo manifest=needed; fi']
      : ['}; else echo manifest=fresh; { ' + fresh + ' | {', PROBE_LOOP, '}; } 3>&1; fi']),
  );
  return lines.join('\n');
}

/**
 * Lists an archive on the host (its file or its URL), without looking at dest: the manifest records, then
 * `manifest_rc=<tar's exit>`. Hosts with an archive of the same sha256 share one such listing.
 */
export function manifestListScript(
  source: { kind: 'remote'; path: string } | { kind: 'url'; url: string; fetch: FetchOptions },
  spec: ManifestSpec,
): string {
  if (source.kind === 'remote')
    return [SHA256_PROBE, `{ ${manifestPipeline(spec, shellQuote(operandPath(source.path)))}; } 3>&1`].join('\n');
  return [
    SHA256_PROBE,
    DOWNLOADER_PROBE,
    'if [ -z "$FP_TOOL" ]; then echo manifest_rc=127; exit 0; fi',
    `{ ${fetchCommand(source.url, '-', source.fetch)} | ${manifestPipeline(spec, '-')}; } 3>&1`,
  ].join('\n');
}

/** The entries manifestListScript printed, or undefined when tar (or the download) failed. */
export function parseManifestListing(output: string): ManifestEntry[] | undefined {
  const entries: ManifestEntry[] = [];
  let rc: number | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('manifest_rc=')) rc = Number(line.slice('manifest_rc='.length));
    else if (line !== '') {
      const entry = parseManifestRecord(line.split('\t'));
      if (entry) entries.push(entry);
    }
  }
  return rc === 0 ? entries : undefined;
}

/** Parses the probe's output. */
export function parseArchiveProbe(output: string): ArchiveProbe {
  const probe: ArchiveProbe = {
    uid: -1,
    umask: 0o022,
    createsExists: false,
    destMissing: false,
    missingPrograms: [],
    srcMissing: false,
    noDownloader: false,
    members: [],
  };
  for (const line of output.split('\n')) {
    if (line.startsWith('R\t')) {
      const f = line.split('\t');
      const entry = parseManifestRecord([f[1], f[2], f[3], f[4], f[5], ...f.slice(12)].map((x) => x ?? ''));
      if (entry) probe.members.push({ entry, dest: parseDest(f.slice(6, 12)) });
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'uid') probe.uid = Number(value);
    else if (key === 'umask') probe.umask = parseInt(value, 8);
    else if (key === 'creates') probe.createsExists = true;
    else if (key === 'dest') probe.destMissing = true;
    else if (key === 'missing') probe.missingPrograms = value.trim().split(/\s+/);
    else if (key === 'src') probe.srcMissing = true;
    else if (key === 'downloader') probe.noDownloader = true;
    else if (key === 'tool' && (value === 'curl' || value === 'wget')) probe.tool = value;
    else if (key === 'fetch_rc') probe.fetchRc = Number(value);
    else if (key === 'archive_sha' && /^[0-9a-f]{64}$/.test(value)) probe.archiveSha = value;
    else if (key === 'manifest' && (value === 'cached' || value === 'fresh' || value === 'given' || value === 'needed'))
      probe.manifest = value;
    else if (key === 'manifest_rc') probe.manifestRc = Number(value);
    else if (key === 'cwd') probe.cwd = value;
    else if (key === 'dest_stat') {
      // type, mode, owner, group, size, identity, uid:gid (the members' stat format)
      const [, mode, owner, group, size, , ids] = value.split('\t');
      const [uid, gid] = (ids ?? '').split(':');
      probe.destInfo = {
        uid: Number(uid),
        gid: Number(gid),
        mode: (mode ?? '').padStart(4, '0'),
        size: Number(size),
        owner: owner ?? '',
        group: group ?? '',
      };
    }
  }
  return probe;
}

function parseDest([type, mode, owner, group, value, mtime]: Array<string | undefined>): DestMember {
  const t = type === 'file' || type === 'dir' || type === 'link' || type === 'other' ? type : 'absent';
  if (t === 'absent') return { type: 'absent' };
  return {
    type: t,
    ...(mode && mode !== '-' ? { mode: mode.padStart(4, '0') } : {}),
    ...(owner && owner !== '-' ? { owner } : {}),
    ...(group && group !== '-' ? { group } : {}),
    ...(value && value !== '-' ? { value } : {}),
    ...(mtime && /^-?\d+$/.test(mtime) ? { mtime: Number(mtime) } : {}),
  };
}
