// lookup('pipe', 'git rev-parse HEAD'): runs a command ON THE CONTROLLER through /bin/sh (as Ansible's pipe,
// which uses the shell), in the playbook's folder, and returns its output without trailing blanks. A command
// that exits non-zero is an error. It blocks the run while it runs (at most PIPE_TIMEOUT_MS).
import { spawnSync } from 'node:child_process';
import { problem } from '../expr/error.ts';
import { stringTerm, type LookupPlugin } from './types.ts';

/** Longest a pipe command may run before it is killed and the lookup fails. */
export const PIPE_TIMEOUT_MS = 10 * 60 * 1000;
const MAX_OUTPUT = 16 * 1024 * 1024;

/** pipe: each command's standard output. */
export const pipeLookup: LookupPlugin = {
  options: [],
  run(terms, _options, place) {
    return terms.map((term) => commandOutput(stringTerm(term, 'pipe'), place.playbookDir, place.ahead === true, 'pipe'));
  },
};

/** The output of `command` run by /bin/sh in `cwd`; `ahead` refuses to run (the executor's look-ahead). */
export function commandOutput(command: string, cwd: string, ahead: boolean, what: string): string {
  if (ahead) return problem(`lookup_plugin.${what}(${command}) is not run ahead of its task`);
  const r = spawnSync('/bin/sh', ['-c', command], {
    cwd,
    encoding: 'utf8',
    timeout: PIPE_TIMEOUT_MS,
    maxBuffer: MAX_OUTPUT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error) return problem(`lookup_plugin.${what}(${command}) could not run: ${r.error.message}`);
  if (r.status !== 0) return problem(`lookup_plugin.${what}(${command}) returned ${r.status ?? r.signal}`);
  return r.stdout.trimEnd();
}
