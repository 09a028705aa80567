// WHEN THIS TEST FAILS, DELETE THE SHIM: server/src/companion/oauth-token-socket-shim.ts (and its wiring in
// server/src/companion/mount.ts). It runs the published @uppy/companion on its own — no Signet code, no shim — and
// checks that it still does NOT deliver the OAuth token on the websocket @uppy/core 6 waits on
// (`/api2/auth-callback/token/<authCallbackToken>`). The day an upstream Companion serves that route, this fails:
// the upgrade then does what the shim does, and the shim is dead weight (or worse, competes with it).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as companion from '@uppy/companion';
import standalone from '@uppy/companion/standalone';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runDropboxOAuth } from './remote/dropbox-flow.js';
import { type FakeDropbox, startFakeDropbox } from './remote/fake-dropbox.js';
import { redirectDropbox } from './remote/redirect-dropbox.mjs';
import { createTestCa, type TestCa } from './remote/test-ca.js';

let ca: TestCa;
let dropbox: FakeDropbox;
let restoreAgent: () => void;
let server: Server;
let filePath: string;
let url: string;

beforeAll(async () => {
  ca = createTestCa();
  dropbox = await startFakeDropbox({ ca, appKey: 'fake-app-key', appSecret: 'fake-app-secret', files: {} });
  restoreAgent = redirectDropbox({ port: dropbox.port, caPem: ca.caPem });
  filePath = await mkdtemp(join(tmpdir(), 'companion-upstream-'));
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { app } = standalone({
    secret: 'upstream-companion-test-secret-0123456789',
    filePath,
    server: { host: new URL(url).host, protocol: 'http' },
    providerOptions: { dropbox: { key: 'fake-app-key', secret: 'fake-app-secret' } },
    corsOrigins: [url],
    uploadUrls: ['^http://127\\.0\\.0\\.1:1/nowhere$'],
    metrics: false,
  }) as unknown as { app: (req: unknown, res: unknown) => void };
  server.on('request', app);
  companion.socket(server);
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  restoreAgent?.();
  await dropbox?.close();
  ca?.remove();
  await rm(filePath, { recursive: true, force: true });
});

test('@uppy/companion (as published) completes a Dropbox sign-in but never sends the token on /api2/auth-callback/token/<id> — delete the shim when this fails', async () => {
  const run = await runDropboxOAuth(url, { waitMs: 2000 });
  // The sign-in itself worked: Companion's send-token page holds a token for window.opener (Uppy ≤ 5's channel)…
  expect(run.finalStatus).toBe(200);
  expect(run.finalBody).toMatch(/postMessage\(data, origin\)/);
  expect(run.finalBody).toMatch(/"token":"[^"]{20,}"/);
  // …and nothing came on the websocket Uppy 6 listens to.
  expect(run.messages).toEqual([]);
});
