// Why a unit did not start: read on the host in the same command that failed, turned into one message.
//
// `systemctl start` only says "Job for docker.service failed … see systemctl status", and the steps
// before it may have printed sysv-install chatter. The cause is in the unit's own status (Result,
// ExecMainStatus), in a dependency that is masked or failed, and in the last journal lines.

/** Shell lines that print the diagnosis of unit "$u" after a failed start, restart or reload. */
export const DIAGNOSE_SCRIPT = [
  'set +e; echo @diag',
  'systemctl show -p Result,ExecMainCode,ExecMainStatus,ActiveState,SubState,LoadState -- "$u"',
  'for d in $(systemctl show -p Requires,Requisite,BindsTo,Wants --value -- "$u"); do',
  '  echo "@dep=$d"; systemctl show -p LoadState,ActiveState,Result -- "$d"',
  'done',
  'echo @journal',
  'journalctl -u "$u" -n 6 --no-pager -o cat 2>/dev/null || true',
].join('\n');

/** What the diagnosis found, as data. */
export interface StartDiagnosis {
  result?: string;
  exitStatus?: string;
  /** Dependencies that are masked or failed: "containerd.service is masked". */
  dependencies: string[];
  journal: string[];
}

/** Parses the output of DIAGNOSE_SCRIPT (everything after its `@diag` line). */
export function parseDiagnosis(text: string): StartDiagnosis {
  const [head = '', journal = ''] = text.split('\n@journal\n');
  const [own = '', ...deps] = head.split('\n@dep=');
  const props = (block: string) =>
    new Map(
      block
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
    );
  const unit = props(own);
  const dependencies: string[] = [];
  for (const block of deps) {
    const name = block.split('\n')[0]!.trim();
    const p = props(block.slice(name.length));
    if (p.get('LoadState') === 'masked') dependencies.push(`${name} is masked`);
    else if (p.get('ActiveState') === 'failed') dependencies.push(`${name} failed (${p.get('Result') ?? 'unknown result'})`);
  }
  const code = unit.get('ExecMainCode');
  const status = unit.get('ExecMainStatus');
  return {
    ...(unit.get('Result') && unit.get('Result') !== 'success' ? { result: unit.get('Result') } : {}),
    ...(status && status !== '0' ? { exitStatus: code === '2' ? `killed by signal ${status}` : `exit status ${status}` } : {}),
    dependencies,
    journal: journal
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-6),
  };
}

/** The cause, first: dependencies, then the unit's own result, then its last log lines. */
export function describeFailure(unit: string, d: StartDiagnosis): string {
  const parts: string[] = [];
  if (d.dependencies.length) parts.push(d.dependencies.map((x) => `dependency ${x}`).join(', '));
  const own = [d.result ? `result ${d.result}` : '', d.exitStatus ?? ''].filter(Boolean).join(', ');
  if (own) parts.push(`${unit}: ${own}`);
  const head = parts.length ? parts.join('; ') : `${unit} did not start`;
  return d.journal.length ? `${head}\nlast log lines of ${unit}:\n${d.journal.map((l) => `  ${l}`).join('\n')}` : head;
}
