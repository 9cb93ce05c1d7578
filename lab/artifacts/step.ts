// Build steps of the artifact tree: host commands whose command lines and output go to one build log.
import { appendFileSync } from 'node:fs';
import { runChecked, type RunOptions } from '../process.ts';
import type { RunResult } from '../types.ts';

/** Runs one checked host command of a build (throws LabError on failure) and logs it. */
export type Step = (program: string, args: string[], opts?: RunOptions) => Promise<RunResult>;

/** A Step that appends each command, its output and its duration (or its failure) to logFile. */
export function loggedStep(logFile: string): Step {
  return async (program, args, opts) => {
    appendFileSync(logFile, `$ ${program} ${args.join(' ')}\n`);
    try {
      const result = await runChecked(program, args, opts);
      appendFileSync(logFile, `${result.stdout}${result.stderr}(${result.durationMs} ms)\n`);
      return result;
    } catch (e) {
      appendFileSync(logFile, `${(e as Error).message}\n`);
      throw e;
    }
  };
}
