// The framework examples (examples/react, examples/vue, examples/svelte), each built once with its usual Vite plugin
// against the built package, then used in Chromium: the framework sets the element's properties (`tags`, an array;
// `signUpload`, a function) and hears its event (the app lists each upload). Served under the reference server's
// origin, where the demo's session cookie lets /api/sign sign.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { makePng } from '../../server/test/fixtures/png.js';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

const FRAMEWORKS = ['react', 'vue', 'svelte'] as const;
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
let server: BuiltServer;
let browser: Browser;
let out = '';

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'signet-examples-'));
  for (const framework of FRAMEWORKS) {
    const root = fileURLToPath(new URL(`../../examples/${framework}/`, import.meta.url));
    await build({
      root,
      configFile: join(root, 'vite.config.js'),
      logLevel: 'warn',
      build: { outDir: join(out, framework), emptyOutDir: true },
    });
  }
  server = await startBuiltServer();
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (out) await rm(out, { recursive: true, force: true });
});

describe.each(FRAMEWORKS)('%s', (framework) => {
  test('properties set through the framework reach the upload, and the app hears each success', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        problems.push(message.text());
    });
    const base = `${server.url}/examples/${framework}/`;
    await page.route(`${base}**`, async (route) => {
      const path = new URL(route.request().url()).pathname.slice(`/examples/${framework}/`.length) || 'index.html';
      const body = await readFile(join(out, framework, path)).catch(() => null);
      if (!body) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ contentType: TYPES[extname(path)] ?? 'application/octet-stream', body });
    });
    await page.goto(server.url); // the demo's session cookie
    await page.goto(base);
    await page.locator('signet-uploader').first().hover(); // a person points at it: Uppy loads on intent
    await page
      .locator('signet-uploader input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])')
      .setInputFiles([
        { name: `${framework}-1.png`, mimeType: 'image/png', buffer: makePng(10, 10) },
        { name: `${framework}-2.png`, mimeType: 'image/png', buffer: makePng(11, 10) },
      ]);
    await page.getByRole('button', { name: /upload 2 files/i }).click();
    await expect.poll(() => page.locator('#uploads li').count()).toBe(2);
    // The tags came from the framework's property binding; the list from its event binding.
    for (const text of await page.locator('#uploads li').allTextContents())
      expect(text.trim()).toMatch(new RegExp(`^\\S+ \\(${framework}, example\\)$`));
    const assets = (await (await fetch(`${server.url}/api/assets?tag=${framework}&limit=10`)).json()) as {
      resources: { tags: string[]; width: number }[];
    };
    expect(assets.resources.map((a) => a.width).sort()).toEqual([10, 11]);
    expect(assets.resources.every((a) => a.tags.includes('example'))).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
