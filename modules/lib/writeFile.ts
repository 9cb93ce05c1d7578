// Writes a remote file atomically: temp file beside the target, attributes set, then rename.
import { createHash } from 'node:crypto';
import { operandPath, shellQuote } from '../../engine/quote.ts';
import type { ModuleContext } from '../../engine/types.ts';
import { attributeCommands, type WantedAttributes } from './attributes.ts';

/**
 * Uploads `content` to `dest` through stdin of one command. The temp file lives in the same directory
 * so the final `mv` is an atomic rename; on any failure the temp file is removed and `dest` is untouched.
 * Without a wanted mode/owner an existing file keeps its own (its owner only where the user may give it:
 * as Ansible's atomic_move, a chown refused to an unprivileged user is let go).
 */
export async function writeRemoteFile(
  ctx: Pick<ModuleContext, 'run'>,
  dest: string,
  content: string | Buffer,
  wanted: WantedAttributes,
): Promise<void> {
  const r = await ctx.run(writeFileScript(dest, content, wanted), { stdin: content });
  if (r.exitCode !== 0) throw new Error(`writing ${dest} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
}

/** The script writeRemoteFile runs; its stdin must be `content`. */
export function writeFileScript(dest: string, content: string | Buffer, wanted: WantedAttributes): string {
  // A relative dest starting with '-' gets './' in front: the temp file beside it then cannot look like an option either.
  const d = shellQuote(operandPath(dest));
  return [
    'set -e',
    `dir=$(dirname -- ${d})`,
    // Ansible's words for a missing directory (mktemp's are about its template).
    `[ -d "$dir" ] || { printf 'Destination directory %s does not exist\\n' "$dir" >&2; exit 1; }`,
    `tmp=$(mktemp -- "$dir/.fleetplay.XXXXXX")`,
    `trap 'rm -f -- "$tmp"' EXIT`,
    'cat > "$tmp"',
    ...verifyUpload('"$tmp"', content),
    `if [ -e ${d} ]; then chmod --reference=${d} -- "$tmp"; { chown --reference=${d} -- "$tmp" 2>/dev/null || true; }; else chmod 0644 -- "$tmp"; fi`,
    ...attributeCommands('"$tmp"', wanted),
    `mv -f -- "$tmp" ${d}`,
    'trap - EXIT',
  ].join('\n');
}

/**
 * Shell lines that compare an uploaded temp file with the sha256 of what the controller sent. If the
 * connection ended mid-upload, stdin just ends early: this check stops the script before the rename,
 * so the target is never replaced by a cut-off file.
 */
export function verifyUpload(tmpWord: string, content: string | Buffer): string[] {
  const sha = createHash('sha256').update(content).digest('hex');
  return [
    `[ "$(sha256sum < ${tmpWord} | cut -d' ' -f1)" = ${sha} ] || { echo 'upload incomplete (connection cut?); nothing was changed' >&2; exit 1; }`,
  ];
}
