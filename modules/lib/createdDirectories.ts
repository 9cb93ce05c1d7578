// The directories copy creates for a dest ending in '/' (copy and template only): Ansible gives each new
// one copy's `directory_mode` and its `owner` and `group` (copy.py's adjust_recursive_directory_permissions;
// `mode` is the file's alone). Without them a new directory is what `mkdir -p` makes (0755 under the usual umask).
import type { ModuleHost } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { PredictedState } from '../../engine/types.ts';
import { attributeCommands, type WantedAttributes } from './attributes.ts';

/** Creates `created` (outermost first) with `mkdir -p` and sets the wanted attributes on each; the error text or undefined. */
export async function makeDirectories(
  host: Pick<ModuleHost, 'run'>,
  created: readonly string[],
  attrs: WantedAttributes = {},
): Promise<string | undefined> {
  const innermost = created[created.length - 1];
  if (innermost === undefined) return undefined;
  const commands = [`mkdir -p -- ${shellQuote(innermost)}`, ...created.flatMap((d) => attributeCommands(shellQuote(d), attrs))];
  const r = await host.run(commands.join(' && '));
  return r.exitCode === 0 ? undefined : r.stderr.trim() || `cannot create ${innermost}`;
}

/** Check mode: the directories `makeDirectories` would leave. */
export function predictDirectories(predicted: PredictedState, created: readonly string[], attrs: WantedAttributes = {}): void {
  for (const d of created) {
    predicted.setFile(d, { type: 'directory', mode: attrs.mode ?? '0755', owner: attrs.owner ?? 'root', group: attrs.group ?? 'root' });
  }
}
