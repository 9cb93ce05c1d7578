// The modprobe module's apply: the load/unload and the file writes in one remote script.
import type { ModuleHost } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome } from '../../engine/types.ts';
import type { ModprobeChange, ModprobeDecision } from './types.ts';

export async function applyModprobe(c: ModprobeChange, host: ModuleHost): Promise<ApplyOutcome> {
  const r = await host.run(modprobeApplyScript(c.decision));
  if (r.exitCode !== 0) return { kind: 'failed', msg: `modprobe ${c.name}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  return { kind: 'changed', msg: c.decision.done };
}

/**
 * The apply script: the load/unload first (a failure leaves the files untouched), then each file,
 * written to a temp file beside it and renamed (a listed file may be a symlink: its target is rewritten).
 */
export function modprobeApplyScript(d: Extract<ModprobeDecision, { kind: 'change' }>): string {
  const lines = ['set -e', `trap 'rm -f -- "$tmp"' EXIT`, 'tmp='];
  if (d.command) lines.push(d.command);
  for (const f of d.files) {
    const p = shellQuote(f.path);
    if (f.remove) {
      lines.push(`rm -f -- ${p}`);
      continue;
    }
    lines.push(
      `mkdir -p -- "$(dirname -- ${p})"`,
      `f=$(readlink -f -- ${p})`,
      'tmp=$(mktemp -- "$(dirname -- "$f")/.fleetplay.XXXXXX")',
      `printf '%s' ${shellQuote(f.text)} > "$tmp"`,
      'if [ -e "$f" ]; then chmod --reference="$f" -- "$tmp"; chown --reference="$f" -- "$tmp"; else chmod 0644 -- "$tmp"; fi',
      'mv -f -- "$tmp" "$f"',
    );
  }
  return lines.join('\n');
}
