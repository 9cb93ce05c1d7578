// Replaces a file on the host as copy and template do, with their `backup` and `validate`: the new
// content goes into a temp file beside dest (uploaded through stdin, or copied from a file on the host
// for remote_src), is checked against its sha256, gets dest's attributes, then the old file is backed
// up (backup), the temp file validated (validate), and renamed over dest. On any failure the temp file
// is removed and dest is untouched.
import { operandPath, shellQuote } from '../../engine/quote.ts';
import type { ModuleHost } from '../../engine/module.ts';
import type { ResultData } from '../../engine/types.ts';
import { attributeCommands, type WantedAttributes } from './attributes.ts';
import { SHA256_HEX } from './remoteSha256.ts';
import { TEMP_WORD } from './validateCommand.ts';
import { verifyUpload } from './writeFile.ts';

/** Where the new content comes from: uploaded bytes, or a file on the host with the sha256 the probe read. */
export type ReplaceSource = { kind: 'upload'; content: string | Buffer } | { kind: 'host'; path: string; checksum: string };

/** What is done around the rename. */
export interface ReplaceOptions {
  /** Copy an existing dest to `<dest>.<pid>.<YYYY-MM-DD@HH:MM:SS~>` first (Ansible's backup_local). */
  backup?: boolean;
  /** A command line from validateCommand (naming the temp file as TEMP_WORD); dest is replaced only if it exits 0. */
  validate?: string;
}

/** What the replacement did, or why it failed (`data` as Ansible reports a failed validation). */
export type ReplaceResult = { ok: true; backupFile?: string } | { ok: false; msg: string; data?: ResultData };

// The last stderr line of a failed validation: the marker and the validate command's exit status.
const VALIDATE_FAILED = 'fleetplay: validate failed, exit status ';
const BACKUP_LINE = 'fleetplay-backup=';

/** The script replaceFile runs; its stdin must be the content when the source is an upload. */
export function replaceFileScript(dest: string, source: ReplaceSource, wanted: WantedAttributes, options: ReplaceOptions = {}): string {
  // A relative dest starting with '-' gets './' in front: the temp file beside it then cannot look like an option either.
  const d = shellQuote(operandPath(dest));
  const lines = [
    'set -e',
    `dir=$(dirname -- ${d})`,
    // Ansible's words for a missing directory (mktemp's are about its template).
    `[ -d "$dir" ] || { printf 'Destination directory %s does not exist\\n' "$dir" >&2; exit 1; }`,
    `tmp=$(mktemp -- "$dir/.fleetplay.XXXXXX")`,
    `trap 'rm -f -- "$tmp"' EXIT`,
    ...fill(source),
    `if [ -e ${d} ]; then chmod --reference=${d} -- "$tmp"; { chown --reference=${d} -- "$tmp" 2>/dev/null || true; }; else chmod 0644 -- "$tmp"; fi`,
    ...attributeCommands(TEMP_WORD, wanted),
  ];
  if (options.backup) {
    // Ansible: `<dest>.<pid>.<local time>~`, a copy keeping mode, owner and times (shutil.copy2 and chown).
    lines.push(
      `if [ -e ${d} ]; then bk=$$.$(date '+%Y-%m-%d@%H:%M:%S~'); cp -p -- ${d} ${d}."$bk"; printf '${BACKUP_LINE}%s\\n' "$bk"; fi`,
    );
  }
  if (options.validate !== undefined) {
    // Its stdin is not the upload (already read); its output is the task's stdout/stderr when it fails.
    lines.push(
      'set +e',
      `${options.validate} </dev/null`,
      'rc=$?',
      'set -e',
      `[ "$rc" -eq 0 ] || { printf '\\n${VALIDATE_FAILED}%s\\n' "$rc" >&2; exit 3; }`,
    );
  }
  lines.push(`mv -f -- "$tmp" ${d}`, 'trap - EXIT');
  return lines.join('\n');
}

/** The lines that put the new content into "$tmp" and check it. */
function fill(source: ReplaceSource): string[] {
  if (source.kind === 'upload') return ['cat > "$tmp"', ...verifyUpload(TEMP_WORD, source.content)];
  if (!SHA256_HEX.test(source.checksum)) throw new Error(`not a sha256: ${source.checksum}`);
  const s = shellQuote(operandPath(source.path));
  return [
    // cp follows a src that is a link, as Ansible's shutil.copy2 does; it writes into the private temp file.
    `cp -- ${s} "$tmp"`,
    // The content decided on is the content moved into place: a src changed since the probe stops here.
    `[ "$(sha256sum < "$tmp" | cut -d' ' -f1)" = ${source.checksum} ] || { printf '%s changed since it was read; nothing was changed\\n' ${s} >&2; exit 1; }`,
  ];
}

/** Replaces `dest` (see the file comment); a failed validation is Ansible's "failed to validate". */
export async function replaceFile(
  host: Pick<ModuleHost, 'run'>,
  dest: string,
  source: ReplaceSource,
  wanted: WantedAttributes,
  options: ReplaceOptions = {},
): Promise<ReplaceResult> {
  const script = replaceFileScript(dest, source, wanted, options);
  const r = await host.run(script, source.kind === 'upload' ? { stdin: source.content } : undefined);
  const lines = r.stdout.split('\n');
  const backup = options.backup && lines[0]?.startsWith(BACKUP_LINE) ? lines[0].slice(BACKUP_LINE.length) : undefined;
  if (r.exitCode === 0) return { ok: true, ...(backup ? { backupFile: `${dest}.${backup}` } : {}) };
  const stderr = r.stderr.replace(/\n+$/, '');
  const cut = stderr.lastIndexOf('\n');
  const last = stderr.slice(cut + 1);
  if (options.validate !== undefined && r.exitCode === 3 && last.startsWith(VALIDATE_FAILED)) {
    const stdout = (backup ? lines.slice(1) : lines).join('\n');
    return {
      ok: false,
      msg: 'failed to validate',
      data: {
        exit_status: Number(last.slice(VALIDATE_FAILED.length)),
        stdout,
        stderr: cut < 0 ? '' : stderr.slice(0, cut).replace(/\n$/, ''),
      },
    };
  }
  return { ok: false, msg: `writing ${dest} failed: ${stderr.trim() || `exit ${r.exitCode}`}` };
}
