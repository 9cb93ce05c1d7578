// Archive formats unarchive understands, told apart by file name, and the programs each one needs.

/** How an archive is packed. `auto` lets GNU tar detect the compression (works on files, not on pipes). */
export type ArchiveFormat = { kind: 'tar'; compression: 'gzip' | 'xz' | 'bzip2' | 'zstd' | 'none' | 'auto' } | { kind: 'zip' };

const SUFFIXES: Array<[RegExp, ArchiveFormat]> = [
  [/\.(tar\.gz|tgz)$/i, { kind: 'tar', compression: 'gzip' }],
  [/\.(tar\.xz|txz)$/i, { kind: 'tar', compression: 'xz' }],
  [/\.(tar\.bz2|tbz2?)$/i, { kind: 'tar', compression: 'bzip2' }],
  [/\.(tar\.zst|tzst)$/i, { kind: 'tar', compression: 'zstd' }],
  [/\.tar$/i, { kind: 'tar', compression: 'none' }],
  [/\.zip$/i, { kind: 'zip' }],
];

/** The format a file name says, or undefined when the name does not tell. */
export function formatFromName(name: string): ArchiveFormat | undefined {
  for (const [re, format] of SUFFIXES) if (re.test(name)) return format;
  return undefined;
}

/** The tar option selecting the decompressor ('' for none or auto-detection). */
export function tarCompressionFlag(format: ArchiveFormat & { kind: 'tar' }): string {
  switch (format.compression) {
    case 'gzip':
      return '-z';
    case 'xz':
      return '-J';
    case 'bzip2':
      return '-j';
    case 'zstd':
      return '--zstd';
    case 'none':
    case 'auto':
      return '';
  }
}

/** Programs the host needs to unpack this format (checked before anything runs). */
export function requiredPrograms(format: ArchiveFormat): string[] {
  if (format.kind === 'zip') return ['unzip'];
  switch (format.compression) {
    case 'gzip':
      return ['tar', 'gzip'];
    case 'xz':
      return ['tar', 'xz'];
    case 'bzip2':
      return ['tar', 'bzip2'];
    case 'zstd':
      return ['tar', 'zstd'];
    case 'none':
    case 'auto':
      return ['tar'];
  }
}

/**
 * A member name or pattern as an unzip argument. unzip has no `--` and reads `-d…` and `-x` among the
 * member arguments as options; its arguments are wildcard patterns, so a leading '-' becomes `[-]`,
 * which matches exactly '-'.
 */
export function zipMemberArg(pattern: string): string {
  return pattern.startsWith('-') ? `[-]${pattern.slice(1)}` : pattern;
}

/** A short name for results (Ansible reports a handler such as TgzArchive). */
export function formatLabel(format: ArchiveFormat): string {
  return format.kind === 'zip'
    ? 'ZipArchive'
    : format.compression === 'none' || format.compression === 'auto'
      ? 'TarArchive'
      : 'TgzArchive';
}
