// Writes a remote file atomically: temp file beside the target, attributes set, then rename.
import { shellQuote } from '../../engine/quote.ts';
import type { ModuleContext } from '../../engine/types.ts';
import { attributeCommands, type WantedAttributes } from './attributes.ts';

/**
 * Uploads `content` to `dest` through stdin of one command. The temp file lives in the same directory
 * so the final `mv` is an atomic rename; on any failure the temp file is removed and `dest` is untouched.
 * Without a wanted mode/owner an existing file keeps its own.
 */
export async function writeRemoteFile(
  ctx: ModuleContext,
  dest: string,
  content: string | Buffer,
  wanted: WantedAttributes,
): Promise<void> {
  const d = shellQuote(dest);
  const script = [
    'set -e',
    `dir=$(dirname -- ${d})`,
    `tmp=$(mktemp "$dir/.fleetplay.XXXXXX")`,
    `trap 'rm -f -- "$tmp"' EXIT`,
    'cat > "$tmp"',
    `if [ -e ${d} ]; then chmod --reference=${d} "$tmp"; chown --reference=${d} "$tmp"; else chmod 0644 "$tmp"; fi`,
    ...attributeCommands('"$tmp"', wanted),
    `mv -f -- "$tmp" ${d}`,
    'trap - EXIT',
  ].join('\n');
  const r = await ctx.run(script, { stdin: content });
  if (r.exitCode !== 0) throw new Error(`writing ${dest} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
}
