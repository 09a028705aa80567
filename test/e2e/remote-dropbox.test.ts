// Dropbox end to end in Chromium, from the built demo: Companion's unmodified Dropbox adapter talks real HTTPS
// (certificate from a CA made for this run) to a fake Dropbox speaking Dropbox's documented API. The server process
// reaches it through a test-only preload (server/test/remote/redirect-dropbox.mjs); Chromium through --host-resolver-rules.
// connect → sign in (the consent page's Allow) → list → pick → upload → the stored bytes equal the Dropbox file.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { makePng } from '../../server/test/fixtures/png.js';
import { type FakeDropbox, startFakeDropbox } from '../../server/test/remote/fake-dropbox.js';
import { createTestCa, type TestCa } from '../../server/test/remote/test-ca.js';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

const photo = makePng(120, 90);
let ca: TestCa;
let dropbox: FakeDropbox;
let server: BuiltServer;
let browser: Browser;

beforeAll(async () => {
  ca = createTestCa();
  dropbox = await startFakeDropbox({
    ca,
    appKey: 'e2e-app-key',
    appSecret: 'e2e-app-secret',
    files: { '/photos/holiday/beach.png': photo, '/notes.txt': Buffer.from('not this one') },
  });
  server = await startBuiltServer({
    preload: fileURLToPath(new URL('../../server/test/remote/redirect-dropbox.mjs', import.meta.url)),
    env: {
      NODE_ENV: 'test',
      SIGNET_FAKE_DROPBOX_PORT: String(dropbox.port),
      SIGNET_FAKE_DROPBOX_CA: join(ca.dir, 'ca.pem'),
      SIGNET_DROPBOX_KEY: 'e2e-app-key',
      SIGNET_DROPBOX_SECRET: 'e2e-app-secret',
    },
  });
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...chromiumArgs, `--host-resolver-rules=MAP www.dropbox.com 127.0.0.1:${dropbox.port}`],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await dropbox?.close();
  ca?.remove();
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

test('connect → sign in → list → pick → upload: the stored bytes equal the Dropbox file; no token in any log', async () => {
  // The browser trusts only the certificate of the fake www.dropbox.com page, for this context.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.url);
  await page.locator('signet-uploader').first().hover(); // a person points at it: Uppy loads on intent
  await page.locator('signet-uploader .uppy-Dashboard-inner').waitFor();
  await page.locator('signet-uploader').evaluate((el) => el.setAttribute('sources', 'local dropbox'));
  await page.locator('signet-uploader [data-uppy-acquirer-id="Dropbox"]').click();

  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Connect to Dropbox' }).click();
  const popup = await popupOpened;
  // What the sign-in window said, for the message if it stays open (it did once under a full suite's load).
  const said: string[] = [];
  popup.on('console', (message) => said.push(`${message.type()}: ${message.text()}`));
  popup.on('pageerror', (error) => said.push(`error: ${error.message}`));
  const closed = popup.waitForEvent('close', { timeout: 15_000 });
  await popup.locator('#allow').click();
  await closed.catch(async (error: Error) => {
    const opener = await popup.evaluate(() => window.opener !== null).catch(() => 'unknown');
    throw new Error(
      `the sign-in window stayed open at ${popup.url()} (opener: ${opener}; said: ${JSON.stringify(said)}): ${await popup.content().catch(() => '')}`,
      { cause: error },
    );
  });

  await page.locator('signet-uploader').getByRole('button', { name: 'photos' }).click();
  await page.locator('signet-uploader').getByRole('button', { name: 'holiday' }).click();
  await page.locator('signet-uploader').getByText('beach.png').click();
  await page
    .locator('signet-uploader')
    .getByRole('button', { name: /^Select 1/ })
    .click();
  await page.getByRole('button', { name: /upload 1 file/i }).click();

  await expect.poll(() => page.locator('signet-uploader').getAttribute('status'), { timeout: 30_000 }).toBe('complete');
  const { resources } = (await (await fetch(`${server.url}/api/assets?limit=10`)).json()) as {
    resources: { secure_url: string; bytes: number; resource_type: string }[];
  };
  expect(resources).toHaveLength(1);
  expect(resources[0]).toMatchObject({ bytes: photo.byteLength, resource_type: 'image' });
  const delivered = new Uint8Array(await (await fetch(resources[0]?.secure_url ?? '')).arrayBuffer());
  expect(sha256(delivered)).toBe(sha256(photo));

  expect(dropbox.calls).toEqual(
    expect.arrayContaining([
      'www.dropbox.com /oauth2/authorize',
      'api.dropbox.com /oauth2/token',
      'api.dropboxapi.com /2/users/get_current_account',
      'api.dropboxapi.com /2/files/list_folder',
      'content.dropboxapi.com /2/files/download',
    ]),
  );
  expect(dropbox.issuedTokens.length).toBeGreaterThanOrEqual(2);
  const logs = server.output();
  for (const token of dropbox.issuedTokens) expect(logs).not.toContain(token);
  expect(logs).not.toContain('e2e-app-secret');
  expect(errors).toEqual([]);
  await page.screenshot({ path: '.bench/e2e-remote-dropbox.png' });
  await context.close();
});
