import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { workspaceAliases } from './workspace-aliases.js';

// The reference server's tests, in Node against real services: radosgw and PostgreSQL for the S3 and PostgreSQL
// suites (started unless SIGNET_TEST_* name running ones), the official Cloudinary SDK as a client.
export default defineProject({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { alias: workspaceAliases },
  test: {
    name: 'server',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/services-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
