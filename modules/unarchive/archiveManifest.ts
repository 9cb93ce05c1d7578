// An archive's manifest: every member as dest will see it (after --strip-components etc.), with its
// type, mode, size and sha256, read in one streaming pass without writing anything.
import { shellCommand, shellQuote } from '../../engine/quote.ts';
import { tarCompressionFlag, zipMemberArg, type ArchiveFormat } from './archiveFormat.ts';

/** One archive member. f: regular file (value = sha256), d: directory, l: symlink (value = target),
 * h: hard link (value = the member it links to), o: anything else. Mode is four octal digits; mtime
 * (seconds, tar's regular files only) serves keep_newer. */
export interface ManifestEntry {
  kind: 'f' | 'd' | 'l' | 'h' | 'o';
  name: string;
  mode?: string;
  size?: number;
  mtime?: number;
  value?: string;
}

/** What decides the manifest besides the archive's bytes. */
export interface ManifestSpec {
  format: ArchiveFormat;
  extraOpts: string[];
  include: string[];
  /** Patterns left out (tar --exclude, unzip -x). */
  exclude?: string[];
}

// Turns `tar -xvv` listing lines and the --to-command lines ("F mode size sha mtime name") into records
// "kind<TAB>mode<TAB>size<TAB>mtime<TAB>value<TAB>name". Regular files come from the F lines only.
const TAR_NORMALIZE = [
  'while read -r perm owner size date time rest; do',
  '  case $perm in',
  `    F) printf 'f\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "$owner" "$size" "\${time%%.*}" "$date" "$rest" ;;`,
  `    d*) printf 'd\\t%s\\t-\\t-\\t-\\t%s\\n' "$perm" "\${rest%/}" ;;`,
  `    l*) printf 'l\\t%s\\t-\\t-\\t%s\\t%s\\n' "$perm" "\${rest#* -> }" "\${rest%% -> *}" ;;`,
  `    h*) printf 'h\\t%s\\t-\\t-\\t%s\\t%s\\n' "$perm" "\${rest#* link to }" "\${rest%% link to *}" ;;`,
  '    -*) ;;',
  `    *) printf 'o\\t%s\\t-\\t-\\t-\\t%s\\n' "$perm" "$rest" ;;`,
  '  esac',
  'done',
].join('\n');

// Runs for each regular member with its content on stdin; TAR_FILENAME is the transformed name.
const TO_COMMAND = `printf 'F %s %s %s %s %s\\n' "$TAR_MODE" "$TAR_SIZE" "$($FP_SHA | cut -c1-64)" "\${TAR_MTIME:--}" "$TAR_FILENAME"`;

/**
 * Shell pipeline printing the manifest records of the archive `input` (an already-quoted path, or '-'
 * for stdin; zip needs a path, which must not start with '-': see operandPath). Needs SHA256_PROBE first and fd 3 open: it writes `manifest_rc=<n>` there.
 */
export function manifestPipeline(spec: ManifestSpec, input: string): string {
  if (spec.format.kind === 'zip') return zipManifest(spec, input);
  const flag = tarCompressionFlag(spec.format);
  const tar = [
    // tar by its path, as Ansible runs it (get_bin_path): its messages name it so ('/usr/bin/tar: unrecognized option').
    'LC_ALL=C "$(command -v tar || echo tar)" -x -vv --show-transformed-names --quoting-style=literal',
    ...(flag ? [flag] : []),
    `-f ${input}`,
    ...spec.extraOpts.map((o) => shellQuote(o)),
    ...(spec.exclude ?? []).map((e) => shellQuote(`--exclude=${e}`)),
    `--to-command=${shellQuote(TO_COMMAND)}`,
    ...(spec.include.length ? ['--', shellCommand(...spec.include)] : []),
  ].join(' ');
  return `{ ${tar}; echo "manifest_rc=$?" >&3; } | ${TAR_NORMALIZE}`;
}

function zipManifest(spec: ManifestSpec, input: string): string {
  // unzip treats member arguments as wildcard patterns; escape the names it prints before reusing them.
  // A leading '-' becomes [-] (zipMemberArg): unzip has no `--` and reads `-d…` or `-x` there as options.
  const esc = `$(printf '%s' "$name" | sed 's/[][*?\\\\]/\\\\&/g; s/^-/[-]/')`;
  return [
    `{ unzip -Z ${input}${spec.include.length ? ` ${shellCommand(...spec.include.map(zipMemberArg))}` : ''}${zipExclude(spec)}; echo "#rc $?"; } |`,
    'while read -r perm ver os size tb meth date time name; do',
    '  case $perm in "#rc") echo "manifest_rc=$ver" >&3; continue ;; esac',
    '  case $ver in [0-9]*.[0-9]*) ;; *) continue ;; esac',
    '  case $perm in',
    `    d*) printf 'd\\t%s\\t-\\t-\\t-\\t%s\\n' "$perm" "\${name%/}" ;;`,
    `    l*) printf 'l\\t%s\\t-\\t-\\t%s\\t%s\\n' "$perm" "$(unzip -p ${input} "${esc}")" "$name" ;;`,
    `    *) printf 'f\\t%s\\t%s\\t-\\t%s\\t%s\\n' "$perm" "$size" "$(unzip -p ${input} "${esc}" | $FP_SHA | cut -c1-64)" "$name" ;;`,
    '  esac',
    'done',
  ].join('\n');
}

/** unzip's ` -x pattern…` for the excluded patterns ('' when none). */
export function zipExclude(spec: ManifestSpec): string {
  const ex = spec.exclude ?? [];
  return ex.length ? ` -x ${shellCommand(...ex.map(zipMemberArg))}` : '';
}

/** Converts "0755" or an `ls -l` permission string ("-rwsr-xr-x") into four octal digits. */
export function normalizePermissions(text: string): string | undefined {
  if (/^[0-7]{3,4}$/.test(text)) return text.padStart(4, '0');
  if (!/^.[-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT]$/.test(text)) return undefined;
  const p = text.slice(1);
  let bits = 0;
  let special = 0;
  for (let i = 0; i < 9; i++) {
    const c = p[i] as string;
    if (c !== '-' && c !== 'S' && c !== 'T') bits |= 1 << (8 - i);
  }
  if (/[sS]/.test(p[2] as string)) special |= 4;
  if (/[sS]/.test(p[5] as string)) special |= 2;
  if (/[tT]/.test(p[8] as string)) special |= 1;
  return ((special << 9) | bits).toString(8).padStart(4, '0');
}

/** Parses one record line ("kind<TAB>mode<TAB>size<TAB>mtime<TAB>value<TAB>name"); undefined for anything else. */
export function parseManifestRecord(fields: string[]): ManifestEntry | undefined {
  const [kind, mode, size, mtime, value, ...rest] = fields;
  const name = rest.join('\t');
  if (!kind || !/^[fdlho]$/.test(kind) || name === '' || name === '.' || name === './') return undefined;
  const entry: ManifestEntry = { kind: kind as ManifestEntry['kind'], name };
  const m = mode && mode !== '-' ? normalizePermissions(mode) : undefined;
  if (m) entry.mode = m;
  if (size && /^\d+$/.test(size)) entry.size = Number(size);
  if (mtime && /^-?\d+$/.test(mtime)) entry.mtime = Number(mtime);
  if (value && value !== '-') entry.value = value;
  return entry;
}

/** Serializes entries as record lines, the form the host-side probe reads. */
export function manifestText(entries: ManifestEntry[]): string {
  return entries.map((e) => [e.kind, e.mode ?? '-', e.size ?? '-', e.mtime ?? '-', e.value ?? '-', e.name].join('\t')).join('\n');
}

/** The member name as users think of it ("./bin/a" → "bin/a"). */
export function displayName(name: string): string {
  return name.replace(/^(\.\/)+/, '') || '.';
}
