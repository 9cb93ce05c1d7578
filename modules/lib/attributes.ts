// Mode/owner/group handling shared by the file-writing modules.
import { shellQuote } from '../../engine/quote.ts';
import type { DiffEntry } from '../../engine/types.ts';
import { requireAccountName } from './argumentRules.ts';

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

/** Reads mode/owner/group out of module arguments; an owner or group chown could misread is refused. */
export function wantedAttributes(args: { mode?: string | number; owner?: string; group?: string }): WantedAttributes {
  const mode = normalizeMode(args.mode);
  for (const key of ['owner', 'group'] as const) {
    const v = args[key];
    if (v !== undefined) requireAccountName(key, v);
  }
  return {
    ...(mode ? { mode } : {}),
    ...(args.owner !== undefined ? { owner: args.owner } : {}),
    ...(args.group !== undefined ? { group: args.group } : {}),
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

/** chown's `owner:group` operand for the wanted owner and/or group ('' when neither is wanted). */
export function ownerSpec(wanted: { owner?: string; group?: string }): string {
  return wanted.owner || wanted.group ? `${wanted.owner ?? ''}${wanted.group ? `:${wanted.group}` : ''}` : '';
}

/**
 * Shell commands that set the wanted attributes; `word` is an already-quoted shell word (path or "$tmp").
 * `--` ends the options, so neither the owner nor the path can be read as one (`--reference=/etc/shadow`).
 */
export function attributeCommands(word: string, wanted: WantedAttributes): string[] {
  const p = word;
  const cmds: string[] = [];
  const owner = ownerSpec(wanted);
  if (owner) cmds.push(`chown -- ${shellQuote(owner)} ${p}`);
  if (wanted.mode) cmds.push(`chmod -- ${wanted.mode} ${p}`);
  return cmds;
}
