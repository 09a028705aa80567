// What a page costs in Chromium: the bytes it loads (gzip, from the network log), the time until its upload UI is
// visible, and the longest main-thread task while a person queues many files through the picker.
import { gzipSync } from 'node:zlib';

const KiB = 1024;

/** Every script and stylesheet the page fetched, gzip -9 sized, before any input (or after `interact`). */
export async function loadedBytes(browser, url, { interact = false } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const bodies = new Map();
  page.on('response', async (response) => {
    const type = response.request().resourceType();
    if (type !== 'script' && type !== 'stylesheet') return;
    try {
      bodies.set(response.url(), gzipSync(await response.body(), { level: 9 }).length);
    } catch {}
  });
  await page.goto(url);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1000);
  if (interact) {
    // What a person does first: point at it, focus it, open it (modal); then look at every source tab.
    await page.hover('signet-uploader');
    await page.keyboard.press('Tab');
    await page.evaluate(() => document.querySelector('signet-uploader')?.open?.());
    await page.waitForFunction(
      () => !!document.querySelector('signet-uploader')?.shadowRoot?.querySelector('.uppy-Dashboard-inner'),
    );
    for (const name of ['Url', 'Dropbox']) {
      const tab = page.locator(`signet-uploader [data-uppy-acquirer-id="${name}"] button`).first();
      if (await tab.count()) await tab.click().catch(() => {});
    }
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(1000);
  }
  await context.close();
  const total = [...bodies.values()].reduce((sum, bytes) => sum + bytes, 0);
  return { kib: +(total / KiB).toFixed(1), files: bodies.size };
}

/** Gzip size of files as published (the references that are bundles, not pages). */
export function fileBytes(files, readFileSync) {
  return +(files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0) / KiB).toFixed(1);
}

/** Milliseconds from the page's first script to a visible upload UI (`selector`, searched in shadow roots too). */
export async function readyMs(browser, url, selector) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  const ms = await page.evaluate(
    (sel) =>
      new Promise((resolve) => {
        const find = () => {
          const host = document.querySelector('signet-uploader');
          return document.querySelector(sel) ?? host?.shadowRoot?.querySelector(sel);
        };
        const check = () => {
          const found = find();
          if (found && found.getBoundingClientRect().height > 0) resolve(performance.now() - window.benchStart);
          else requestAnimationFrame(check);
        };
        check();
      }),
    selector,
  );
  await context.close();
  return ms;
}

/**
 * Queues `count` files through the page's file input (a DataTransfer, as the picker delivers them) and reports the
 * longest main-thread task until all of them are in Uppy's state, and how many got there.
 */
export async function queueLongestTask(browser, url, count, { ours }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  if (ours) {
    await page.hover('signet-uploader');
    await page.waitForFunction(
      () => !!document.querySelector('signet-uploader')?.shadowRoot?.querySelector('.uppy-Dashboard-inner'),
    );
  } else await page.waitForFunction(() => !!document.querySelector('.uppy-Dashboard-inner'));
  // The files are made in a task of their own: making 10,000 Files is the harness's work, not the page's.
  await page.evaluate((n) => {
    const transfer = new DataTransfer();
    for (let i = 0; i < n; i++) transfer.items.add(new File([`file ${i}`], `file-${i}.txt`, { type: 'text/plain' }));
    window.benchFiles = transfer.files;
  }, count);
  const result = await page.evaluate(
    async ({ n, isOurs }) => {
      const host = document.querySelector('signet-uploader');
      const root = isOurs ? host.shadowRoot : document;
      const input = [...root.querySelectorAll('input[type=file]')].find((i) => !i.webkitdirectory);
      const uppy = () => (isOurs ? host.uppy : window.benchUppy);
      const tasks = [];
      let started = Number.POSITIVE_INFINITY;
      const observer = new PerformanceObserver((list) => {
        // Tasks that end after the pick began: the pick's own task and everything after it.
        for (const entry of list.getEntries())
          if (entry.startTime + entry.duration > started) tasks.push(entry.duration);
      });
      observer.observe({ type: 'longtask' });
      // The pick arrives in a task of its own, as the browser delivers a picker's `change`; long tasks from then on.
      started = await new Promise((resolve) =>
        setTimeout(() => {
          resolve(performance.now());
          input.files = window.benchFiles;
          input.dispatchEvent(new Event('change', { bubbles: true }));
        }),
      );
      // Until all are queued (or it gave up), then a quiet second for the redraws that follow.
      const deadline = started + 600_000;
      while ((uppy()?.getFiles().length ?? 0) < n && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const queuedAfter = performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      observer.disconnect();
      return {
        queued: uppy()?.getFiles().length ?? 0,
        longest_task_ms: tasks.length ? Math.max(...tasks) : 0,
        long_tasks: tasks.length,
        queued_after_ms: queuedAfter,
      };
    },
    { n: count, isOurs: ours },
  );
  await context.close();
  return result;
}
