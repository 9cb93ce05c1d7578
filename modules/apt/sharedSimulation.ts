// One `apt-get -s` for every host whose apt inputs are the same. A simulation costs 0.5-1 s of CPU per
// host; a fleet built from one image, with the same indexes, gets the same answer on every node. The
// answer is a function of what apt reads, so hosts share it only when a digest of exactly that matches:
// apt's version and architecture, dpkg's status and architectures, apt's auto-installed marks, the
// index files (names and sizes, and every Release/InRelease in full) and everything under /etc/apt.
// What check mode adds per host (the files a removed package owns on that host) is still read there.
import type { ModuleContext, StateSlot } from '../../engine/types.ts';
import type { SectionOutput } from './script.ts';

/** Shell text printing the digest of a host's apt inputs (64 hex digits; empty if sha256sum is missing). */
export const APT_STATE_DIGEST = [
  '{ apt-get --version 2>/dev/null | head -n 1',
  'cat /var/lib/dpkg/status /var/lib/dpkg/arch /var/lib/apt/extended_states 2>/dev/null',
  '(cd /var/lib/apt/lists 2>/dev/null && stat -c "%n %s" -- * && cat -- *Release) 2>/dev/null',
  'find -L /etc/apt -type f -print -exec cat -- {} + 2>/dev/null',
  '} | sha256sum 2>/dev/null | cut -c1-64',
].join('; ');

/** The run's simulations, by apt-input digest and command; the first host to ask runs it. */
export type Simulations = Map<string, { host: string; result: Promise<SectionOutput> }>;

/** Where a run keeps its simulations (ModuleContext.runState): they end with the run. */
export const SIMULATIONS: StateSlot<Simulations> = { name: 'apt simulations', init: () => new Map() };

/** The digest of the host's apt inputs (one round trip), or undefined when it cannot be had. */
export async function aptStateDigest(ctx: ModuleContext): Promise<string | undefined> {
  const r = await ctx.run(`export LC_ALL=C\n${APT_STATE_DIGEST}`, { readOnly: true });
  const digest = r.stdout.trim();
  return r.exitCode === 0 && /^[0-9a-f]{64}$/.test(digest) ? digest : undefined;
}

/**
 * The simulation `command` for a host whose apt inputs have `digest`: another host's, when one with the
 * same digest ran (or is running) the same command in this run, else `run()`'s, which is then offered
 * to the others. A host whose shared simulation failed to arrive (that host became unreachable) runs
 * its own.
 */
export async function sharedSimulation(
  simulations: Simulations,
  digest: string | undefined,
  command: string,
  host: string,
  run: () => Promise<SectionOutput>,
): Promise<{ sim: SectionOutput; from?: string }> {
  if (!digest) return { sim: await run() };
  const key = `${digest}\n${command}`;
  const earlier = simulations.get(key);
  if (earlier && earlier.host !== host) {
    try {
      return { sim: await earlier.result, from: earlier.host };
    } catch {
      // Fall through: this host simulates for itself (and for those after it).
    }
  }
  const result = run();
  const entry = { host, result };
  simulations.set(key, entry);
  result.catch(() => {
    if (simulations.get(key) === entry) simulations.delete(key);
  });
  return { sim: await result };
}
