// --slice I/N: one of N disjoint parts of the fleet, for running one job as N processes (a Kubernetes
// Indexed Job, AWX's job slicing). A host's part depends on its name alone (a hash), so adding hosts
// to the inventory never moves a host to another part: a retried or resumed slice finds its hosts.
// The price is balance: the parts are equal in expectation, not exactly (200 hosts in 4 slices: 50 ± 7).
import { createHash } from 'node:crypto';
import { FleetError } from '../errors.ts';

/** Slice `index` (1-based) of `count`. */
export interface Slice {
  index: number;
  count: number;
}

/** Reads `I/N` (1 ≤ I ≤ N): the form --slice takes. */
export function parseSlice(text: string): Slice {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new FleetError('arguments', `--slice ${text}: expected I/N, such as 2/3 (the second of three slices)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 10_000) throw new FleetError('arguments', `--slice ${text}: the number of slices must be from 1 to 10000`);
  if (index < 1 || index > count) throw new FleetError('arguments', `--slice ${text}: the slice must be from 1 to ${count}`);
  return { index, count };
}

/** The 1-based slice of `count` that `host` belongs to. */
export function sliceOf(host: string, count: number): number {
  const digest = createHash('sha256').update(host, 'utf8').digest();
  // 48 bits of the digest: far above any slice count, so every slice is equally likely.
  return (digest.readUIntBE(0, 6) % count) + 1;
}

/** The hosts (order kept) that belong to `slice`. */
export function sliceHosts(hosts: string[], slice: Slice): string[] {
  return hosts.filter((h) => sliceOf(h, slice.count) === slice.index);
}

/** `I/N` as --slice takes it. */
export function sliceText(slice: Slice): string {
  return `${slice.index}/${slice.count}`;
}
