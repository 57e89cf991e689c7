import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
          environment: 'node',
          // Property tests run hundreds of cases: a bound for two shared cores, not a speed check.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // Bounds, not sleeps: tests wait on events and state and finish as soon as those arrive; the
          // bound only has to hold on a machine whose two cores are shared with other CPU-heavy jobs,
          // where every spawned CLI call can take seconds.
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Integration tests spawn engines on real files and ports; two at a time fits 2 cores.
          maxWorkers: 2,
        },
      },
    ],
  },
});
