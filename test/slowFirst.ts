// The order test files start in: the end-to-end files that take longest first, so that four files at a
// time finish together instead of one long file starting last. vitest's own order needs a cache of
// earlier runs, which a fresh clone (CI) does not have.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds each slow end-to-end file took in a full run (2 cores, four files at a time); others count as 0. */
const MEASURED: Record<string, number> = {
  'seed-states': 200,
  rollout: 130,
  'modules-systemd': 95,
  'vendor-repos': 75,
  install: 45,
  'html-report': 70,
  'runtime-containers': 70,
  fidelity: 50,
  'modules-download': 40,
  containerd: 40,
  'modules-apt-lines': 35,
  quickstart: 30,
  foundation: 25,
};

/** Sorts by group, then end-to-end before unit files, then by MEASURED seconds, longest first. */
export class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const weight = (f: TestSpecification) => MEASURED[/([^/]+)\.test\.ts$/.exec(f.moduleId)?.[1] ?? ''] ?? 0;
    const e2e = (f: TestSpecification) => (f.project.name.startsWith('e2e') ? 0 : 1);
    return [...files].sort(
      (a, b) => a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder || e2e(a) - e2e(b) || weight(b) - weight(a),
    );
  }
}
