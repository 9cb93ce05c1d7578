// Handler notifications that a run left pending (the host failed, the rollout stopped or the run was
// interrupted before the handlers ran), carried into the next run of the same playbook so that, for
// example, a containerd whose new binaries were extracted is still restarted. Pure data: the CLI
// reads and writes the file.
import type { PlayDef } from '../types.ts';

/** Play name → host → handler names (or listen topics) notified and not yet run. */
export type PendingHandlers = Record<string, Record<string, string[]>>;

/** The notifications of `play` pending for `host` that still name one of its handlers. */
export function pendingFor(pending: PendingHandlers, play: PlayDef, host: string): string[] {
  const known = new Set(play.handlers.flatMap((h) => [h.name ?? '', ...(h.listen ?? [])]).filter(Boolean));
  return (pending[play.name]?.[host] ?? []).filter((n) => known.has(n));
}

/**
 * The pending notifications after a play ran on `hosts`: theirs as the play left them (none once
 * their handlers ran), and the earlier entries of every host that did not take part.
 */
export function afterPlay(
  pending: PendingHandlers,
  play: PlayDef,
  hosts: Array<{ name: string; notified: Set<string>; carried: Set<string> }>,
): PendingHandlers {
  const entries: Record<string, string[]> = { ...(pending[play.name] ?? {}) };
  for (const h of hosts) {
    // A notification no handler answers (a templated listen topic, a name of no handler) is dropped, not carried.
    const left = [...new Set([...h.carried, ...h.notified])].filter((n) => answered(play, n));
    if (left.length > 0) entries[h.name] = left;
    else delete entries[h.name];
  }
  const out: PendingHandlers = { ...pending };
  if (Object.keys(entries).length > 0) out[play.name] = entries;
  else delete out[play.name];
  return out;
}

/** Whether some handler of `play` answers the notification `name` (a templated handler name may). */
function answered(play: PlayDef, name: string): boolean {
  return play.handlers.some((h) => h.name === name || (h.listen ?? []).includes(name) || h.name?.includes('{{') === true);
}
