import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, chromiumPath } from './scripts/chromium.mjs';
import { makePdf, tempFileCount } from './test/helpers/commands.js';

// Three projects, one per kind of test: Node (server, pure modules), browser (the element in real Chromium),
// e2e (playwright driving the built demo like a person).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.browser.test.ts', 'test/e2e/**'],
          // radosgw and PostgreSQL for the S3 and PostgreSQL suites (started unless SIGNET_TEST_* name running ones).
          globalSetup: ['test/server/services-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // A cold run (CI) must not re-optimize mid-run ("Vite unexpectedly reloaded a test").
        optimizeDeps: {
          include: [
            'lit',
            'lit/decorators.js',
            '@uppy/core',
            '@uppy/core/utils',
            '@uppy/core/companion-client',
            '@uppy/dashboard',
            '@uppy/url',
            '@uppy/dropbox',
            '@uppy/aws-s3',
          ],
        },
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          // One file at a time: files share one server, and plain uploads from two files in the same second sign
          // the same parameters (a real cross-tab replay the widget renews, but it makes request counts vary).
          fileParallelism: false,
          globalSetup: ['test/browser-setup.ts', 'test/server/services-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: chromiumPath(), args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
            commands: { tempFileCount, makePdf },
          },
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
