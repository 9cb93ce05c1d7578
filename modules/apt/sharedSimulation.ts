// One `apt-get -s` for every host whose apt inputs are the same. A simulation costs 0.5-1 s of CPU per
// host; a fleet built from one image, with the same indexes, gets the same answer on every node. The
// answer is a function of what apt reads, so hosts share it only when a digest of exactly that matches:
// apt's version and architecture, dpkg's status and architectures, apt's auto-installed marks, the
// index files (names and sizes, and every Release/InRelease in full) and everything under /etc/apt.
// What check mode adds per host (the files a removed package owns on that host) is still read there.
//
// The sharing itself is the engine's (Read.shareKey, executor/moduleDriver.ts): the first host of the run
// to ask runs the simulation, the others with the same key get its answer, and a host whose shared answer
// failed to arrive (that host became unreachable) runs its own.
import { read, type ModuleView, type Probe } from '../../engine/module.ts';
import type { ReadResult } from '../../engine/executor/moduleDriver.ts';
import { ownedFilesAfterCommand, simulateCommand, simulationWithFilesCommand, withoutOwnedFiles, type AptAction } from './aptGet.ts';
import { parseScript, section, type SectionOutput } from './script.ts';

/** Shell text printing the digest of a host's apt inputs (64 hex digits; empty if sha256sum is missing). */
export const APT_STATE_DIGEST = [
  '{ apt-get --version 2>/dev/null | head -n 1',
  'cat /var/lib/dpkg/status /var/lib/dpkg/arch /var/lib/apt/extended_states 2>/dev/null',
  '(cd /var/lib/apt/lists 2>/dev/null && stat -c "%n %s" -- * && cat -- *Release) 2>/dev/null',
  'find -L /etc/apt -type f -print -exec cat -- {} + 2>/dev/null',
  '} | sha256sum 2>/dev/null | cut -c1-64',
].join('; ');

/** The digest of the host's apt inputs (one read), or undefined when it cannot be had. */
export function* probeAptStateDigest(): Probe<string | undefined> {
  return yield* read({
    command: `export LC_ALL=C\n${APT_STATE_DIGEST}`,
    parse: (r) => {
      const digest = r.stdout.trim();
      return r.exitCode === 0 && /^[0-9a-f]{64}$/.test(digest) ? digest : undefined;
    },
  });
}

/** The framed script that runs one simulation command. */
function simulationScript(command: string): string {
  return ['export LC_ALL=C', section('sim', command)].join('\n');
}

function simSection(r: ReadResult): SectionOutput {
  const sim = parseScript(r.stdout).sections.get('sim');
  if (!sim) throw new Error(`apt-get -s printed nothing usable: ${r.stderr.trim() || r.stdout.slice(0, 200)}`);
  return sim;
}

/**
 * Runs apt-get -s for `action`, or takes the same simulation from another host of this run whose apt
 * inputs are identical (the digest is one more, cheap, read). In check mode a host given another's
 * simulation still lists its own files of the packages it removes.
 */
export function* probeSharedSimulation(view: Pick<ModuleView, 'check'>, action: AptAction): Probe<SectionOutput> {
  const plain = simulateCommand(action);
  const digest = yield* probeAptStateDigest();
  const command = simulationScript(view.check ? simulationWithFilesCommand(plain) : plain);
  const answer = yield* read({
    command,
    ...(digest ? { shareKey: `apt-get -s\n${digest}\n${plain}` } : {}),
    parse: (r: ReadResult) => ({
      from: r.sharedFrom,
      sim: r.sharedFrom === undefined ? simSection(r) : parseScript(r.stdout).sections.get('sim'),
    }),
  });
  if (answer.from === undefined && answer.sim) return answer.sim;
  // Another host's answer that was no simulation (its own parse failed there): this host runs its own.
  if (!answer.sim) return yield* read({ command, parse: simSection });
  // Another host's simulation, without that host's file lines.
  const sim = { ...answer.sim, out: withoutOwnedFiles(answer.sim.out) };
  if (!view.check || sim.rc !== 0) return sim;
  const files = yield* read({ command: simulationScript(ownedFilesAfterCommand(sim.out)), parse: simSection });
  return { ...sim, out: files.out };
}
