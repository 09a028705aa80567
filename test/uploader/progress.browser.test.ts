// A file's progress reaches Uppy (and so a redraw of the Dashboard) at most every 250 ms, and its end always: a
// backend may report far more often (a browser does every 50 ms or so). The page's own backend here reports every
// 5 ms for half a second before its real upload to the test server.
import { expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import type { UploadBackend } from '../../src/backends/backend.js';
import { backendThatGivesUp, bytes, choose, mount, next, pressUpload } from '../helpers/browser.js';

test('progress reaches Uppy at most every 250 ms, and its end always', async () => {
  const el = await mount();
  const real = backendThatGivesUp();
  let reported = 0;
  let reporting = 0;
  const chatty: UploadBackend = {
    async upload(task) {
      const total = task.file.size;
      const started = performance.now();
      for (let i = 1; i < 100; i++) {
        task.onProgress(Math.floor((total * i) / 100), total);
        reported++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      reporting = performance.now() - started;
      return real.upload(task);
    },
  };
  el.backend = chatty;
  const seen: { at: number; bytes: number; total: number }[] = [];
  el.uppy?.on('upload-progress', (_file, progress) =>
    seen.push({ at: performance.now(), bytes: progress.bytesUploaded, total: progress.bytesTotal ?? 0 }),
  );
  choose(el, [new File([bytes(300_000, 9)], 'chatty.bin')]);
  const success = next(el, 'signet-upload-success');
  await pressUpload(el);
  await success;
  expect(reported).toBeGreaterThanOrEqual(99);
  const gaps = seen.slice(1).map((entry, i) => entry.at - (seen[i]?.at ?? 0));
  // Every update but the last came at least 250 ms after the one before (a little slack for timer rounding).
  for (const gap of gaps.slice(0, -1)) expect(gap).toBeGreaterThanOrEqual(245);
  // However long the reports took (a busy machine stretches them), one update per 250 ms of them, plus the end.
  expect(seen.length).toBeLessThanOrEqual(Math.ceil(reporting / 250) + 2);
  expect(seen.length).toBeLessThan(reported / 4);
  expect(seen.at(-1)).toMatchObject({ bytes: 300_000, total: 300_000 });
});

// Uppy spins a spinner and glides its bars between updates: the page then draws 60 frames a second for the whole
// upload, which costs a 2-core machine upload speed (see uppy-theme.ts). While bytes go out, nothing moves on its own.
test('nothing animates between progress updates while a file uploads', async () => {
  const el = await mount();
  const real = backendThatGivesUp();
  const running: string[][] = [];
  let spinners = 0;
  const slow: UploadBackend = {
    async upload(task) {
      const total = task.file.size;
      for (let i = 1; i <= 6; i++) {
        task.onProgress(Math.floor((total * i) / 8), total);
        // Looked at 100 ms after the update, while a glide of Uppy's (0.3–0.5 s) would still run.
        await new Promise((resolve) => setTimeout(resolve, 100));
        const root = el.shadowRoot as ShadowRoot;
        if (root.querySelector('.uppy-StatusBar.is-uploading .uppy-StatusBar-spinner')) spinners++;
        running.push(
          root
            .getAnimations()
            .filter((animation) => animation.playState === 'running')
            .map((animation) => {
              const target = (animation.effect as KeyframeEffect | null)?.target;
              return `${target?.getAttribute('class')}: ${(animation as CSSAnimation).animationName ?? (animation as CSSTransition).transitionProperty}`;
            }),
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return real.upload(task);
    },
  };
  el.backend = slow;
  choose(el, [new File([bytes(400_000, 3)], 'steady.bin')]);
  const success = next(el, 'signet-upload-success');
  await pressUpload(el);
  await success;
  // The status bar showed its (still) spinner and moved six times, with nothing running between the moves.
  expect(spinners).toBe(6);
  expect(running).toEqual([[], [], [], [], [], []]);
});

// Before bytes go out (a photo being converted or shrunk) Uppy's spinner is the only sign of work, so it turns; a
// person who asked their system for less motion gets it still, and the indeterminate bar's stripes too.
test('the working spinner turns, unless the person asked for less motion', async () => {
  const el = await mount();
  const uppy = el.uppy;
  if (!uppy) throw new Error('no Uppy');
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const prepare = async (ids: string[]) => {
    for (const id of ids)
      uppy.emit('preprocess-progress', uppy.getFile(id), { mode: 'indeterminate', message: 'Converting…' });
    await held;
  };
  uppy.addPreProcessor(prepare);
  el.backend = backendThatGivesUp();
  const turning = () =>
    (el.shadowRoot as ShadowRoot)
      .getAnimations()
      .filter((animation) => animation.playState === 'running')
      .map((animation) => (animation as CSSAnimation).animationName)
      .sort();
  try {
    choose(el, [new File([bytes(1_000, 4)], 'photo.bin')]);
    const success = next(el, 'signet-upload-success');
    await pressUpload(el);
    await expect
      .poll(() => el.shadowRoot?.querySelector('.uppy-StatusBar.is-preprocessing .uppy-StatusBar-spinner'))
      .toBeTruthy();
    await expect.poll(turning).toContain('uppy-StatusBar-spinnerAnimation');
    await commands.reduceMotion(true);
    await expect.poll(turning).toEqual([]);
    await commands.reduceMotion(false);
    await expect.poll(turning).toContain('uppy-StatusBar-spinnerAnimation');
    release();
    await success;
  } finally {
    release();
    uppy.removePreProcessor(prepare);
    await commands.reduceMotion(null);
  }
});

// Uppy lays the status bar's buttons over the end of its text: on a phone-wide widget "· 16s left" went under the
// cancel button. The text keeps beside the buttons and wraps; every word of it stays in view.
test('on a phone-wide widget the status text is beside the buttons, not under them', async () => {
  const narrow = document.createElement('div');
  narrow.style.width = '327px';
  const el = await mount({ multiple: '' }, narrow);
  const real = backendThatGivesUp();
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  el.backend = {
    async upload(task) {
      task.onProgress(Math.floor(task.file.size / 3), task.file.size);
      await held;
      return real.upload(task);
    },
  };
  try {
    choose(el, [new File([bytes(4_400_000, 5)], 'holiday-report.bin'), new File([bytes(9_000_000, 6)], 'plan.bin')]);
    const success = next(el, 'signet-upload-success');
    await pressUpload(el);
    const root = el.shadowRoot as ShadowRoot;
    await expect
      .poll(() => root.querySelector('.uppy-StatusBar.is-uploading .uppy-StatusBar-statusSecondary')?.textContent)
      .toMatch(/left/);
    const text = root.querySelector('.uppy-StatusBar-status') as HTMLElement;
    const secondary = root.querySelector('.uppy-StatusBar-statusSecondary') as HTMLElement;
    const buttons = root.querySelector('.uppy-StatusBar-actions') as HTMLElement;
    const bar = root.querySelector('.uppy-StatusBar') as HTMLElement;
    expect(buttons.querySelector('button')).toBeTruthy();
    const rtl = getComputedStyle(bar).direction === 'rtl';
    const [t, b, s] = [text, buttons, bar].map((node) => node.getBoundingClientRect());
    if (rtl) expect(t.left).toBeGreaterThanOrEqual(b.right);
    else expect(t.right).toBeLessThanOrEqual(b.left);
    // Nothing cut off: the text fits its box and the box fits the bar.
    expect(secondary.scrollWidth).toBeLessThanOrEqual(secondary.clientWidth + 1);
    expect(t.top).toBeGreaterThanOrEqual(s.top);
    expect(t.bottom).toBeLessThanOrEqual(s.bottom);
    release();
    await success;
  } finally {
    release();
  }
});
