import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, chromiumPath } from './scripts/chromium.mjs';
import { workspaceAliases } from './server/workspace-aliases.js';
import { makeHeic, makePdf, makePhoneJpeg, readTags, reduceMotion, tempFileCount } from './test/helpers/commands.js';
import { cuttingProxyCommands } from './test/helpers/cutting-proxy.js';
import { uppyAliases } from './vite.config.js';

// Four projects, one per kind of test: the reference server's own (server/vitest.config.ts), Node (the widget's pure
// modules), browser (the element in real Chromium against a real server), e2e (playwright driving the built demo).
export default defineConfig({
  test: {
    projects: [
      'server/vitest.config.ts',
      {
        resolve: { alias: workspaceAliases },
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.browser.test.ts', 'test/e2e/**'],
          testTimeout: 60_000,
        },
      },
      {
        resolve: { alias: { ...workspaceAliases, ...uppyAliases } },
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
          globalSetup: ['test/browser-setup.ts', 'server/test/services-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // expect.poll waits for an outcome that does come; 1 s (the default) is too short on a loaded 2-core runner.
          expect: { poll: { timeout: 20_000 } },
          browser: {
            enabled: true,
            headless: true,
            // The camera source is tested with Chromium's fake camera (a test pattern), allowed without asking.
            provider: playwright({
              launchOptions: {
                executablePath: chromiumPath(),
                args: [...chromiumArgs, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
              },
            }),
            instances: [{ browser: 'chromium' }],
            commands: {
              tempFileCount,
              makePdf,
              makePhoneJpeg,
              makeHeic,
              readTags,
              reduceMotion,
              ...cuttingProxyCommands,
            },
          },
        },
      },
      {
        resolve: { alias: workspaceAliases },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          expect: { poll: { timeout: 20_000 } },
          fileParallelism: false,
        },
      },
    ],
  },
});
