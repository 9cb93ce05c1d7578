// Mode/owner/group handling shared by the file-writing modules.
import { shellQuote } from '../../engine/quote.ts';
import type { DiffEntry } from '../../engine/types.ts';

/** Wanted attributes of a path; undefined means "leave as is". */
export interface WantedAttributes {
  mode?: string;
  owner?: string;
  group?: string;
}

/** Turns a YAML mode (420 from `0644`, or the string "0644"/"644") into four octal digits. */
export function normalizeMode(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return value.toString(8).padStart(4, '0');
  const s = String(value).trim();
  if (!/^0?[0-7]{3,4}$/.test(s)) throw new Error(`mode '${s}' is not an octal mode such as '0644'`);
  return s.replace(/^0(?=[0-7]{4}$)/, '').padStart(4, '0');
}

/** Reads mode/owner/group out of module arguments. */
export function wantedAttributes(args: Record<string, unknown>): WantedAttributes {
  const mode = normalizeMode(args.mode);
  return {
    ...(mode ? { mode } : {}),
    ...(typeof args.owner === 'string' ? { owner: args.owner } : {}),
    ...(typeof args.group === 'string' ? { group: args.group } : {}),
  };
}

/** Attribute differences between the current state and the wanted one, as diff entries. */
export function attributeDiffs(
  path: string,
  current: { mode?: string; owner?: string; group?: string },
  wanted: WantedAttributes,
): DiffEntry[] {
  const out: DiffEntry[] = [];
  for (const key of ['mode', 'owner', 'group'] as const) {
    const want = wanted[key];
    if (want !== undefined && current[key] !== want) {
      out.push({ header: `${key} of ${path}`, before: current[key] ?? '', after: want });
    }
  }
  return out;
}

/** Shell commands that set the wanted attributes; `word` is an already-quoted shell word (path or "$tmp"). */
export function attributeCommands(word: string, wanted: WantedAttributes): string[] {
  const p = word;
  const cmds: string[] = [];
  if (wanted.owner || wanted.group) cmds.push(`chown ${shellQuote(`${wanted.owner ?? ''}${wanted.group ? `:${wanted.group}` : ''}`)} ${p}`);
  if (wanted.mode) cmds.push(`chmod ${wanted.mode} ${p}`);
  return cmds;
}
