// The sysctl module's apply: the live value first (a refused value leaves the file untouched), then the file.
import type { ModuleHost } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome } from '../../engine/types.ts';
import { verifyUpload } from '../lib/writeFile.ts';
import { keyPath, normalizeValue } from './text.ts';
import type { SysctlChange } from './types.ts';

/**
 * Sets the live value, then writes the file (content on stdin) to a temp file beside it and renames it.
 * A symlinked file (/etc/sysctl.d/99-sysctl.conf → ../sysctl.conf) has its target rewritten; the link stays.
 */
export function sysctlApplyScript(c: SysctlChange): string {
  const lines = ['set -e'];
  if (c.setLive) {
    lines.push(`sysctl -w -- ${shellQuote(`${c.name}=${c.value}`)} >/dev/null`);
    // The kernel may refuse or clamp a value without an error: read it back.
    lines.push(`printf '@live=%s\\n' "$(base64 -w0 < ${shellQuote(`/proc/sys/${keyPath(c.name)}`)})"`);
  }
  if (c.content !== undefined) {
    const f = shellQuote(c.file);
    lines.push(
      `mkdir -p -- "$(dirname -- ${f})"`,
      `f=$(readlink -f -- ${f})`,
      'tmp=$(mktemp -- "$(dirname -- "$f")/.fleetplay.XXXXXX")',
      `trap 'rm -f -- "$tmp"' EXIT`,
      'cat > "$tmp"',
      ...verifyUpload('"$tmp"', c.content),
      'if [ -e "$f" ]; then chmod --reference="$f" -- "$tmp"; chown --reference="$f" -- "$tmp"; else chmod 0644 -- "$tmp"; fi',
      'mv -f -- "$tmp" "$f"',
    );
  }
  if (c.reload) {
    // Ansible's reload: sysctl -p <file> (-e with ignoreerrors); its exit code and stderr are judged by applySysctl.
    const e = c.reload.ignoreErrors ? ' -e' : '';
    lines.push(
      `r=0; err=$(sysctl${e} -p -- ${shellQuote(c.file)} 2>&1 >/dev/null) || r=$?`,
      `printf '@reload=%s %s\\n' "$r" "$(printf '%s' "$err" | base64 -w0)"`,
    );
  }
  return lines.join('\n');
}

export async function applySysctl(host: ModuleHost, c: SysctlChange): Promise<ApplyOutcome> {
  const r = await host.run(sysctlApplyScript(c), c.content !== undefined ? { stdin: c.content } : {});
  if (r.exitCode !== 0) return { kind: 'failed', msg: `sysctl ${c.name}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  if (c.setLive) {
    const line = r.stdout.split('\n').find((l) => l.startsWith('@live=')) ?? '@live=';
    const now = normalizeValue(Buffer.from(line.slice('@live='.length), 'base64').toString('utf8'));
    if (now !== c.value) return { kind: 'failed', msg: `sysctl ${c.name}: set to ${c.value}, but the kernel shows ${now}` };
  }
  if (c.reload) {
    // As Ansible: a non-zero exit, or sysctl's "setting key" errors that it reports with exit 0.
    const m = /^@reload=(\d+) (\S*)$/m.exec(r.stdout);
    const err = m
      ? Buffer.from(m[2] ?? '', 'base64')
          .toString('utf8')
          .trim()
      : 'no result';
    const refused = /^sysctl: setting key "[^"]+": (Invalid argument|Read-only file system)$/m.test(err);
    const rc = m?.[1];
    if (rc !== '0' || refused) return { kind: 'failed', msg: `Failed to reload sysctl: ${err || `exit ${rc}`}` };
  }
  return { kind: 'changed', msg: c.done };
}
