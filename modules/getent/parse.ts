// getent's output as Ansible's getent module returns it: a dict of the first field of each line to the
// list of the other fields; a key seen on several lines maps to a list of those lists (Ansible 2.11+).
import { setOwn } from '../../engine/inventory/own-properties.ts';
import type { Vars } from '../../engine/types.ts';

// The databases whose lines are colon-separated: Ansible splits these at ':' unless told otherwise.
const COLON = ['passwd', 'shadow', 'group', 'gshadow'];

/** The separator Ansible uses: `split` when given, ':' for the colon databases, else any run of whitespace. */
export function separatorFor(database: string, split: string | undefined): string | undefined {
  if (split !== undefined) return split;
  return COLON.includes(database) ? ':' : undefined;
}

/** Python's str.split: at `sep` exactly, or (no sep) at runs of whitespace with the ends trimmed. */
export function splitFields(line: string, sep: string | undefined): string[] {
  if (sep !== undefined) return line.split(sep);
  const trimmed = line.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

/** Parses getent's stdout into `getent_<database>`'s value. Empty lines are skipped (Ansible would crash on one when splitting at whitespace). */
export function parseGetent(stdout: string, sep: string | undefined): Vars {
  const out: Vars = {};
  const seen = new Map<string, number>();
  for (const line of stdout.split(/\r?\n/)) {
    if (line === '') continue;
    const record = splitFields(line, sep);
    if (record.length === 0) continue;
    const [name, ...rest] = record as [string, ...string[]];
    const count = seen.get(name) ?? 0;
    if (count === 0) setOwn(out, name, rest);
    else if (count === 1) setOwn(out, name, [out[name], rest]);
    else (out[name] as unknown[]).push(rest);
    seen.set(name, count + 1);
  }
  return out;
}
