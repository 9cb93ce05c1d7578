// copy's src (with remote_src) and dest are Ansible `path` arguments: the module expands `$VAR`, `${VAR}`
// and a leading `~` on the host (os.path.expandvars, then expanduser), as the task's user (its become
// user when it has one). One read-only command does it, with the command module's expansion script.
import { read, type Probe } from '../../engine/module.ts';
import { expandInto, needsExpansion, TILDE_FUNCTION } from '../command/expand.ts';

/** `paths` expanded on the host; no read when none has a `$` or a leading `~`. */
export function* expandPaths(paths: readonly string[]): Probe<string[]> {
  if (!paths.some(needsExpansion)) return [...paths];
  const lines = [TILDE_FUNCTION];
  paths.forEach((p, i) => {
    if (needsExpansion(p)) lines.push(...expandInto(`fp_path${i}`, p), `printf '%s\\0' "$fp_path${i}"`);
    else lines.push("printf '\\0'");
  });
  return yield* read({
    command: lines.join('\n'),
    parse: (r) => {
      const parts = r.stdout.split('\0');
      if (r.exitCode !== 0 || parts.length !== paths.length + 1)
        throw new Error(`could not expand ${paths.join(', ')}: ${r.stderr.trim()}`);
      return paths.map((p, i) => (needsExpansion(p) ? (parts[i] as string) : p));
    },
  });
}
