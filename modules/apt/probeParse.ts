// What the apt probe's first read found, and its parser (apart from probe.ts so deb.ts can use it too).
import { parseDpkgQuery, type DpkgState } from './dpkg.ts';
import type { CacheState } from './cache.ts';
import type { DebFacts } from './deb.ts';
import { parseScript, type SectionOutput } from './script.ts';

/** What the probe's first read found. */
export interface AptProbe {
  dpkg: DpkgState;
  cache: CacheState;
  /** Output of the simulation run by the probe, when one was asked for. */
  sim?: SectionOutput;
  /** dpkg's state fingerprint (see noopCache.ts). */
  fingerprint: string;
  /** The simulation was skipped: dpkg was in the state `skipUnchangedFrom` named. */
  simSkipped: boolean;
  /** The simulation was skipped because a named package needs work (`skipWhenNamed`). */
  simSkippedForNamed: boolean;
  /** dpkg's journal holds an operation that did not finish: apt-get refuses to change packages until `dpkg --configure -a`. */
  dpkgInterrupted: boolean;
  /** What `apt-get -s autoclean` printed, when asked. */
  autoclean?: SectionOutput;
  /** What the probe read of a `deb` (deb.ts). */
  deb?: DebFacts;
}

/** Parses the probe's output; throws when dpkg-query itself failed. */
export function parseProbe(stdout: string, hasNames: boolean): AptProbe {
  const { sections, values } = parseScript(stdout);
  const dpkg = sections.get('dpkg');
  if (hasNames && !dpkg) throw new Error(`the apt probe printed no dpkg-query section: ${stdout.slice(0, 200)}`);
  const num = (k: string): number | undefined => (/^\d+$/.test(values.get(k) ?? '') ? Number(values.get(k)) : undefined);
  // Like Ansible: the update stamp if there is one, else the lists directory (only if it holds indexes).
  const updatedAt = num('stamp') ?? ((num('indexes') ?? 0) > 0 ? num('lists') : undefined);
  const sim = sections.get('sim');
  const autoclean = sections.get('autoclean');
  return {
    ...(autoclean ? { autoclean } : {}),
    dpkg: dpkg ? parseDpkgQuery(dpkg.out, dpkg.err) : { packages: new Map(), unknown: [] },
    cache: { now: num('now') ?? Math.floor(Date.now() / 1000), ...(updatedAt !== undefined ? { updatedAt } : {}) },
    ...(sim ? { sim } : {}),
    fingerprint: values.get('fingerprint') ?? '',
    simSkipped: values.get('simskipped') === 'yes',
    simSkippedForNamed: values.get('simskipped') === 'named',
    dpkgInterrupted: (num('interrupted') ?? 0) > 0,
  };
}
