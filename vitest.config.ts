import { defineConfig } from 'vitest/config';
import { SlowFirst } from './test/slowFirst.ts';

// Three groups, one after another:
//  1. unit tests and fuzz suites, two files at a time (their hang guards time a computation, so they do
//     not share the cores with labs);
//  2. the end-to-end files, four at a time: each boots its own lab on its own loopback addresses, and most
//     of its time is spent waiting on nodes (boots, sshd, apt, systemd), not on the controller's cores;
//  3. the files that start, stop or count the one shared artifact server, one at a time, when no other
//     lab is up.
const ALONE = ['test/e2e/lab-artifacts.test.ts', 'test/e2e/lab-server-clones.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    reporters: ['default'],
    sequence: { sequencer: SlowFirst },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/fuzz/**/*.test.ts'], maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: ALONE, maxWorkers: 4, sequence: { groupOrder: 1 } },
      },
      { extends: true, test: { name: 'e2e-alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 2 } } },
    ],
  },
});
