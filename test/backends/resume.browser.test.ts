// Uploads that survive a bad network, in real Chromium against the real reference server through a loopback proxy
// that cuts connections at chosen byte offsets (test/helpers/cutting-proxy.ts): chunked uploads continue from what
// the server holds, a cut single upload goes on in chunks, and an offline spell pauses instead of failing.

import { afterEach, describe, expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import { CloudinaryBackend } from '../../src/backends/cloudinary.js';
import type { RetryPolicy } from '../../src/backends/retry.js';
import { en } from '../../src/locales/en.js';
import type { UploadApiResponse } from '../../src/protocol/params.js';
import { bytes, choose, mount, pressUpload, server, sha256, signWithServer, summaryText } from '../helpers/browser.js';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Short waits so the test is quick; the policy's shape (backoff, attempts) is what is exercised. */
const FAST: RetryPolicy = { attempts: 10, baseMs: 40, maxMs: 400 };

const proxies: string[] = [];
afterEach(async () => {
  setBrowserOnline(true);
  for (const url of proxies.splice(0)) await commands.proxyStop(url);
});

async function proxy(): Promise<string> {
  const url = await commands.proxyStart(server().url);
  proxies.push(url);
  return url;
}

function backend(uploadUrl: string, chunkSize: number) {
  return new CloudinaryBackend({
    cloudName: server().cloudName,
    uploadUrl,
    resourceType: 'raw',
    chunkSize,
    sign: signWithServer,
    source: 'uw',
    messages: { UNKNOWN: 'failed ({status})' },
    retry: FAST,
  });
}

async function assetsIn(folder: string): Promise<{ public_id: string; bytes: number }[]> {
  const response = await fetch(`${server().url}/api/assets?limit=500`, {
    headers: { authorization: `Bearer ${server().token}` },
  });
  const { resources } = (await response.json()) as { resources: { public_id: string; bytes: number }[] };
  return resources.filter((asset) => asset.public_id.startsWith(`${folder}/`));
}

async function storedBytes(response: UploadApiResponse): Promise<string> {
  return sha256(await (await fetch(response.secure_url)).arrayBuffer());
}

function task(file: File, folder: string, progress: number[] = [], signal = new AbortController().signal) {
  return {
    file,
    name: file.name,
    params: { folder },
    signal,
    onProgress: (sent: number) => progress.push(sent),
  };
}

describe('network cuts', () => {
  test('a chunked upload cut at 10 %, 50 % and 99 % continues from what the server holds: one asset, same bytes', async () => {
    const via = await proxy();
    const size = 3 * MiB + 123;
    const file = new File([bytes(size, 71)], 'cut-three-times.bin');
    const folder = `cuts-${crypto.randomUUID().slice(0, 8)}`;
    await commands.proxyCutAfter(
      via,
      [0.1, 0.5, 0.99].map((f) => Math.round(size * f)),
    );

    const response = await backend(via, 256 * KiB).upload(task(file, folder));

    const stats = await commands.proxyStats(via);
    expect(stats.fired).toHaveLength(3);
    expect(response.bytes).toBe(size);
    expect(await storedBytes(response)).toBe(await sha256(file));
    expect(await assetsIn(folder)).toHaveLength(1);
    // It asked what the server held after each cut, and sent little more than the file: starting over after the
    // 99 % cut alone would have sent it twice.
    expect(stats.requests.filter((line) => line.startsWith('GET /v1_1/')).length).toBeGreaterThanOrEqual(3);
    expect(stats.sent).toBeLessThan(size * 1.5);
  });

  test('a single upload cut twice goes on in chunks instead of starting over each time', async () => {
    const via = await proxy();
    const size = 12 * MiB;
    const file = new File([bytes(size, 72)], 'one-request.bin');
    const folder = `single-${crypto.randomUUID().slice(0, 8)}`;
    // Half of the one request, then most of the first chunk of the retry.
    await commands.proxyCutAfter(via, [size / 2, size / 2 + 3 * MiB]);

    const response = await backend(via, 64 * MiB).upload(task(file, folder));

    const stats = await commands.proxyStats(via);
    expect(stats.fired).toHaveLength(2);
    expect(response.bytes).toBe(size);
    expect(await storedBytes(response)).toBe(await sha256(file));
    expect(await assetsIn(folder)).toHaveLength(1);
    // After the cut that reached it, the widget asked what the server held and sent chunks (3 MiB: four of them),
    // not the one request again.
    const afterQuery = stats.requests.slice(stats.requests.findIndex((line) => line.startsWith('GET /v1_1/')) + 1);
    expect(stats.requests.some((line) => line.startsWith('GET /v1_1/'))).toBe(true);
    expect(afterQuery.filter((line) => line.startsWith('POST /v1_1/')).length).toBeGreaterThanOrEqual(4);
  });

  test('a cut that lasts (every try cut) ends as NETWORK_ERROR after the policy’s tries, nothing stored', async () => {
    const via = await proxy();
    const size = 600 * KiB;
    const file = new File([bytes(size, 73)], 'never.bin');
    const folder = `never-${crypto.randomUUID().slice(0, 8)}`;
    // Every attempt's request is cut shortly into its body.
    await commands.proxyCutEvery(via, 4 * KiB);
    const error = await backend(via, 64 * MiB)
      .upload(task(file, folder))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UploadError', code: 'NETWORK_ERROR' });
    const stats = await commands.proxyStats(via);
    // The first try and FAST.attempts more, each cut.
    expect(stats.fired.length).toBe(FAST.attempts + 1);
    expect(await assetsIn(folder)).toHaveLength(0);
  });
});

/**
 * What the page sees when the device loses its network: `navigator.onLine` false and an `offline` event (and back).
 * The proxy being down makes it real for the requests; Chromium's offline emulation would cut the test runner too.
 */
function setBrowserOnline(online: boolean): void {
  if (navigator.onLine === online) return;
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online });
  window.dispatchEvent(new Event(online ? 'online' : 'offline'));
}

describe('offline', () => {
  test('going offline mid-upload pauses it (no failure, no progress); online again, it finishes', async () => {
    const via = await proxy();
    const size = 4 * MiB;
    const file = new File([bytes(size, 74)], 'offline.bin');
    const folder = `offline-${crypto.randomUUID().slice(0, 8)}`;
    const progress: number[] = [];
    // The network drops a third of the way in and stays down; the page learns it is offline from its first failure
    // on, as a phone's browser does.
    await commands.proxyDownAfter(via, Math.round(size / 3));
    let failedOnce!: () => void;
    const firstFailure = new Promise<void>((resolve) => {
      failedOnce = resolve;
    });
    const sending = backend(via, 256 * KiB).upload({
      ...task(file, folder),
      onProgress: (sent) => progress.push(sent),
    });
    let settled = false;
    void sending.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    const watcher = setInterval(async () => {
      if ((await commands.proxyStats(via)).fired.length > 0) failedOnce();
    }, 20);
    await firstFailure;
    clearInterval(watcher);
    setBrowserOnline(false);
    // Long enough for every backoff of the policy to pass twice over: a retry loop would have failed by now.
    await new Promise((resolve) => setTimeout(resolve, 2 * FAST.maxMs * (FAST.attempts + 1)));
    expect(settled).toBe(false);
    const pausedAt = progress.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(progress.length).toBe(pausedAt);
    await commands.proxyDown(via, false);
    setBrowserOnline(true);

    const response = await sending;
    expect(response.bytes).toBe(size);
    expect(await storedBytes(response)).toBe(await sha256(file));
    expect(await assetsIn(folder)).toHaveLength(1);
  });
});

describe('what the person is told', () => {
  test('the summary says the connection was lost, then that the browser is offline, then how the run ended', async () => {
    const via = await proxy();
    const size = 4 * MiB;
    const el = await mount();
    el.backend = backend(via, 256 * KiB);
    const said: string[] = [];
    const summary = el.shadowRoot?.querySelector('[part="summary"]') as HTMLElement;
    const observer = new MutationObserver(() => {
      const text = summaryText(el);
      if (said.at(-1) !== text) said.push(text);
    });
    observer.observe(summary, { childList: true, characterData: true, subtree: true });
    try {
      // A cut a third of the way in that lasts; the browser learns it is offline a moment later.
      await commands.proxyDownAfter(via, Math.round(size / 3));
      choose(el, [new File([bytes(size, 75)], 'cafe.bin')]);
      const complete = new Promise((resolve) => el.addEventListener('signet-queue-complete', resolve, { once: true }));
      await pressUpload(el);
      await expect.poll(() => said).toContain(en.network.retrying);
      setBrowserOnline(false);
      await expect.poll(() => summaryText(el)).toBe(en.network.offline);
      await commands.proxyDown(via, false);
      setBrowserOnline(true);
      await complete;
      // Uppy's own "No Internet connection" is no file's outcome: nothing "not added" joins the results.
      await expect.poll(() => summaryText(el)).toBe('1 uploaded');
      // In order: the run, the lost connection, offline, the run again once bytes moved, the outcome.
      const seen = said.filter((text, i) => text !== said[i - 1]);
      expect(seen[0]).toBe(en.outcomes.uploadingOne);
      expect(seen.indexOf(en.network.retrying)).toBeLessThan(seen.indexOf(en.network.offline));
      expect(seen.lastIndexOf(en.outcomes.uploadingOne)).toBeGreaterThan(seen.indexOf(en.network.offline));
      expect(seen.at(-1)).toBe('1 uploaded');
    } finally {
      observer.disconnect();
    }
  });
});
