// Check-mode fidelity helpers: a node's observable state, check-then-apply, and the per-(host, task,
// item) agreement of a check report with the real run's.
import { expect } from 'vitest';
import type { LabState } from '../../lab/index.ts';
import { engine, onNode, type Report } from './support.ts';

/** A node's observable state: hashes of /etc, /usr/local, /opt/cni, /srv, dpkg selections, units. */
export function snapshot(lab: LabState, node: string, extraDirs: string[] = []): string {
  const script = [
    `for d in /etc /usr/local /opt/cni /srv ${extraDirs.join(' ')}; do [ -e $d ] && find $d -xdev -printf "%p %y %m %u %g %l\\n"; done | sort | sha256sum`,
    'find /etc /usr/local /opt/cni /srv -xdev -type f 2>/dev/null | sort | xargs -d "\\n" sha256sum 2>/dev/null | sha256sum',
    'dpkg --get-selections | sha256sum',
    'for u in containerd docker docker.socket kubelet; do systemctl show $u -p LoadState,ActiveState,UnitFileState,MainPID,ActiveEnterTimestamp; done',
  ].join('; ');
  const r = onNode(lab, node, script);
  if (r.code !== 0) throw new Error(`snapshot of ${node} failed: ${r.stderr}`);
  return r.stdout;
}

type Key = string;
type Row = Report['results'][number];
function byKey(report: Report): Map<Key, Row> {
  const out = new Map<Key, Row>();
  for (const r of report.results)
    out.set(`${r.host} | ${r.task} | ${r.item === undefined ? '' : JSON.stringify(r.item)}${r.handler ? ' | handler' : ''}`, r);
  return out;
}

/** Compares check (a) with real (b): every (host, task, item) must have the same status, and the same diff. */
export function agreement(a: Report, b: Report): { line: string; mismatches: string[]; diffMismatches: string[]; unknown: number } {
  const [ra, rb] = [byKey(a), byKey(b)];
  const compared = [...new Set([...ra.keys(), ...rb.keys()])];
  const mismatches = compared
    .filter((k) => ra.get(k)?.status !== rb.get(k)?.status)
    .map((k) => `${k}: check=${ra.get(k)?.status ?? '(absent)'} real=${rb.get(k)?.status ?? '(absent)'}`);
  const diffMismatches = compared
    .filter((k) => ra.get(k)?.status === 'changed' && JSON.stringify(ra.get(k)?.diff ?? []) !== JSON.stringify(rb.get(k)?.diff ?? []))
    .map((k) => `${k}: check diff ${JSON.stringify(ra.get(k)?.diff)} != real ${JSON.stringify(rb.get(k)?.diff)}`);
  const unknown = [...ra.values()].filter((r) => r.status === 'unknown').length;
  const agreed = compared.length - mismatches.length;
  const pct = ((100 * agreed) / compared.length).toFixed(1);
  return { line: `agreement ${agreed}/${compared.length} (${pct}%), unknown ${unknown}`, mismatches, diffMismatches, unknown };
}

/** Runs check then real on `inventory`, asserting the check changed nothing; returns both reports. */
export async function checkThenApply(
  playbook: string,
  inventory: string,
  nodes: Array<[LabState, string]>,
  extra: string[] = [],
  extraDirs: string[] = [],
  env: Record<string, string> = {},
): Promise<{ a: Report; b: Report }> {
  const before = nodes.map(([lab, n]) => snapshot(lab, n, extraDirs));
  const a = await engine(['run', playbook, '-i', inventory, '--check', '--diff', ...extra], { withReport: true, env });
  expect(a.report, a.stderr).toBeDefined();
  const after = nodes.map(([lab, n]) => snapshot(lab, n, extraDirs));
  for (const [i, [, n]] of nodes.entries()) expect(after[i], `--check changed ${n}`).toBe(before[i]);
  const b = await engine(['run', playbook, '-i', inventory, ...extra], { withReport: true, env });
  expect(b.report, b.stderr).toBeDefined();
  return { a: a.report!, b: b.report! };
}
