// apt_repository's apply: fetch the new source's indexes alone first (a failure leaves /etc/apt as it was),
// then write each changed sources file atomically or delete the ones left without lines.
import type { ModuleHost } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome, PredictedFile, ResultData } from '../../engine/types.ts';
import { aptUpdateErrors, SOURCES_DIR } from '../lib/aptUpdate.ts';
import { writeRemoteFile } from '../lib/writeFile.ts';

/** What apply does: the optional fetch, then the file writes (text undefined: delete). */
export interface RepoChange {
  fetch?: { script: string; stdin: string; timeoutMs: number };
  target: string;
  writes: Array<{ path: string; text?: string; mode?: string; newFile?: boolean; predicted: PredictedFile }>;
  done: string;
  data: ResultData;
}

/** Runs the change on the host. */
export async function applyChange(change: RepoChange, host: ModuleHost): Promise<ApplyOutcome> {
  if (change.fetch) {
    const r = await host.run(change.fetch.script, { stdin: change.fetch.stdin, timeoutMs: change.fetch.timeoutMs });
    if (r.exitCode !== 0) {
      const why = aptUpdateErrors(`${r.stdout}\n${r.stderr}`) || r.stderr.trim() || `exit ${r.exitCode}`;
      return { kind: 'failed', msg: `${change.target} was not changed: Failed to update apt cache: ${why}`, data: change.data };
    }
  }
  for (const w of change.writes) {
    if (w.text === undefined) {
      const r = await host.run(`rm -f -- ${shellQuote(w.path)}`);
      if (r.exitCode !== 0)
        return { kind: 'failed', msg: `cannot remove ${w.path}: ${r.stderr.trim() || `exit ${r.exitCode}`}`, data: change.data };
      continue;
    }
    // Ansible makes sources.list.d when it is missing.
    if (w.newFile && w.path.startsWith(`${SOURCES_DIR}/`)) {
      const r = await host.run(`[ -d ${shellQuote(SOURCES_DIR)} ] || mkdir -p -- ${shellQuote(SOURCES_DIR)}`);
      if (r.exitCode !== 0)
        return { kind: 'failed', msg: `cannot create ${SOURCES_DIR}: ${r.stderr.trim() || `exit ${r.exitCode}`}`, data: change.data };
    }
    await writeRemoteFile(host, w.path, w.text, w.mode ? { mode: w.mode } : {});
  }
  return { kind: 'changed', msg: change.done, data: change.data };
}
