// What the apt module's steps hand each other.
import type { PlannedChange } from './aptGet.ts';
import type { AptWork } from './apply.ts';
import type { NoopCache } from './noopCache.ts';
import type { OwnedFiles } from './predict.ts';
import type { AptProbe } from './probe.ts';
import type { AptRequest } from './request.ts';
import type { SectionOutput } from './script.ts';

/** What probe read: the request, the first read's findings, and the simulation the decision rests on. */
export interface AptFacts {
  req: AptRequest;
  /** Undefined when the arguments were refused before any read. */
  probe?: AptProbe;
  /** The simulation used: the probe's own, or one run (or shared) for the package work. */
  sim?: SectionOutput;
  /** The run's no-op cache (noopCache.ts), for apply to record a clean autoremove. */
  noop: NoopCache;
}

/** What check mode records for a change (predict.ts). */
export interface AptPrediction {
  changes: PlannedChange[];
  unresolved: string[];
  owned: OwnedFiles;
  cacheDue: boolean;
}

/** A change: the work apply does, and what check mode predicts. */
export interface AptChange {
  work: AptWork;
  noop: NoopCache;
  prediction: AptPrediction;
}
