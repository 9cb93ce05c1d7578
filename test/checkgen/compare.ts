// Compares a --check report with the real run's: per (host, task, item) status, with unknowns counted
// apart; and two node states (listings of the scratch tree, units, module files, packages).

/** The parts of a --report JSON the comparison reads. */
export interface ReportLike {
  check: boolean;
  results: Array<{ host: string; task: string; status: string; msg: string; item?: unknown; handler?: boolean }>;
}

/** How a check report agreed with the real run. */
export interface StatusComparison {
  /** Keys whose check status was known (not unknown). */
  compared: number;
  agreed: number;
  /** Keys check called unknown, with the real status and check's reason. */
  unknowns: string[];
  /** Keys whose known check status differs from the real one (or is missing on one side). */
  mismatches: string[];
  /**
   * Keys check ran after an `unknown` on the same host and the real run never reached (it stopped at
   * that task): consequences of the unknown, not compared.
   */
  afterUnknown: string[];
}

type Row = ReportLike['results'][number];

/** The (host, task, item) key of a result row. */
export function resultKey(r: Row): string {
  return `${r.host} | ${r.task} | ${r.item === undefined ? '' : JSON.stringify(r.item)}${r.handler ? ' | handler' : ''}`;
}

function byKey(report: ReportLike): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const r of report.results) out.set(resultKey(r), r);
  return out;
}

/** Compares every (host, task, item) status of `check` with `real`; unknowns are listed, not compared. */
export function compareStatuses(check: ReportLike, real: ReportLike): StatusComparison {
  const [c, r] = [byKey(check), byKey(real)];
  const out: StatusComparison = { compared: 0, agreed: 0, unknowns: [], mismatches: [], afterUnknown: [] };
  const unknownSeen = new Set<string>();
  for (const key of new Set([...c.keys(), ...r.keys()])) {
    const a = c.get(key);
    const b = r.get(key);
    if (a?.status === 'unknown') {
      out.unknowns.push(`${key}: real=${b?.status ?? '(absent)'} — ${a.msg}`);
      unknownSeen.add(a.host);
      continue;
    }
    if (a && !b && unknownSeen.has(a.host)) {
      out.afterUnknown.push(key);
      continue;
    }
    out.compared++;
    if (a?.status === b?.status) out.agreed++;
    else
      out.mismatches.push(
        `${key}: check=${a?.status ?? '(absent)'} real=${b?.status ?? '(absent)'}\n    check: ${a?.msg ?? ''}\n    real:  ${b?.msg ?? ''}`,
      );
  }
  return out;
}

/** Lines that differ between two state listings (one entry per line), as "- before" / "+ after". */
export function stateDiff(before: string, after: string): string[] {
  const a = new Set(before.split('\n').filter(Boolean));
  const b = new Set(after.split('\n').filter(Boolean));
  return [...[...a].filter((l) => !b.has(l)).map((l) => `- ${l}`), ...[...b].filter((l) => !a.has(l)).map((l) => `+ ${l}`)];
}

/**
 * The shell command that lists what a case can change on a node: every path under `root` with its
 * type, mode and sha256, the case units' load/active/enabled state, the module-load files and the
 * lab packages' dpkg status. Timestamps are left out: they change without a change of state.
 */
export function stateCommand(root: string, units: readonly string[], kmods: readonly string[], packages: readonly string[]): string {
  return [
    `[ -e ${root} ] && find ${root} -printf '%p %y %m %l\\n' | sort`,
    `find ${root} -type f -exec sha256sum {} + 2>/dev/null | sort -k2`,
    ...units.map((u) => `echo ${u} $(systemctl show ${u} -p LoadState,ActiveState,UnitFileState,NeedDaemonReload --value | tr '\\n' ' ')`),
    ...kmods.map(
      (m) => `for f in /etc/modules-load.d/${m}.conf /etc/modprobe.d/${m}.conf; do [ -e $f ] && echo "$f $(sha256sum < $f)"; done`,
    ),
    ...packages.map((p) => `echo ${p} $(dpkg-query -W -f '\${Status}' ${p} 2>/dev/null)`),
    'true',
  ].join('; ');
}
