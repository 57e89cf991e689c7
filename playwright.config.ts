import { defineConfig } from '@playwright/test';

/**
 * Chromium comes from the OS (Debian's package); Playwright never downloads a browser here.
 * STRATA_CHROMIUM overrides the path on machines that keep it elsewhere.
 */
const chromium = process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  // Builds the renderer (dist/renderer/, served by the engine) once, unless it is up to date.
  globalSetup: './tests/e2e/global-setup.ts',
  outputDir: 'test-results/e2e',
  // Bounds, not sleeps (every wait ends as soon as the UI shows what it waits for): generous enough
  // for CI's two cores shared with other CPU-heavy jobs.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'web',
      testMatch: /web\/.*\.spec\.ts$/,
      // Own output dir: a concurrent run of another project must not wipe this one's traces.
      outputDir: 'test-results/e2e-web',
      use: {
        browserName: 'chromium',
        viewport: { width: 1600, height: 960 },
        launchOptions: {
          executablePath: chromium,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
    {
      name: 'electron',
      testMatch: /electron\/.*\.spec\.ts$/,
    },
  ],
});
