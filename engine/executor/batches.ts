// Rolling batches (`serial`) and the failure budget (`max_fail_percentage`), as Ansible computes them.
import { FleetError } from '../errors.ts';
import type { SourceLocation } from '../types.ts';

/** Batch sizes for `total` hosts: counts or percentages; the last entry repeats until all hosts are in. */
export function batchSizes(serial: unknown, total: number, where: SourceLocation): number[] {
  if (serial === undefined || serial === null || total === 0) return [total];
  const entries = Array.isArray(serial) ? serial : [serial];
  const size = (e: unknown): number => {
    const m = /^(\d+)(%?)$/.exec(String(e).trim());
    if (!m)
      throw new FleetError('playbook', `serial entries must be counts or percentages like "30%", got '${String(e)}'`, { location: where });
    const n = Number(m[1]);
    // Ansible: a percentage of the play's hosts, rounded down, but at least one host.
    return m[2] ? Math.max(1, Math.floor((total * n) / 100)) : Math.max(1, n);
  };
  const sizes: number[] = [];
  let left = total;
  for (let i = 0; left > 0; i++) {
    const n = Math.min(left, size(entries[Math.min(i, entries.length - 1)]));
    sizes.push(n);
    left -= n;
  }
  return sizes;
}

/** Splits hosts into consecutive batches of the given sizes. */
export function splitBatches<T>(hosts: T[], sizes: number[]): T[][] {
  const out: T[][] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(hosts.slice(at, at + n));
    at += n;
  }
  return out;
}

/**
 * Whether a finished batch stops the rollout. Failed and unreachable hosts both count. With
 * max_fail_percentage the rollout stops when the failed share is above it (so 0 means any failure);
 * without it, only when every host of the batch failed (Ansible's default).
 */
export function budgetExceeded(failed: number, batchSize: number, maxFailPercentage: number | undefined): boolean {
  if (batchSize === 0 || failed === 0) return false;
  if (maxFailPercentage === undefined) return failed === batchSize;
  return (failed / batchSize) * 100 > maxFailPercentage;
}
