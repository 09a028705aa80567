// Each fix in shadow-dashboard.ts has a test here, run against the fixed Dashboard and against stock Dashboard in
// the same shadow root: the stock runs pin down the bug (so the test is known to fail without the fix).
import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import { afterEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { bridgeExternalForms, ShadowDashboard } from '../../src/uploader/shadow-dashboard.js';
import { uppyStyleSheet } from '../../src/uploader/uppy-runtime.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function shadowHost() {
  const host = document.createElement('div');
  const root = host.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = [uppyStyleSheet()];
  const target = document.createElement('div');
  root.append(target);
  const before = document.createElement('button');
  before.textContent = 'before';
  document.body.append(before, host);
  return { host, root, target, before };
}

async function modalWith(DashboardClass: typeof Dashboard) {
  const { host, root, target, before } = shadowHost();
  const uppy = new Uppy();
  uppy.use(DashboardClass, { target, inline: false, disablePageScrollWhenModalOpen: false, animateOpenClose: false });
  cleanups.push(() => {
    uppy.destroy();
    host.remove();
    before.remove();
  });
  const dashboard = uppy.getPlugin('Dashboard') as unknown as Dashboard<never, never>;
  before.focus();
  await dashboard.openModal();
  await expect.poll(() => root.querySelector('.uppy-Dashboard--modal .uppy-Dashboard-inner')).not.toBeNull();
  return { uppy, root, dashboard };
}

const variants = [
  { name: 'ShadowDashboard (fixed)', DashboardClass: ShadowDashboard as unknown as typeof Dashboard, fixed: true },
  { name: 'stock Dashboard (control)', DashboardClass: Dashboard, fixed: false },
];

describe.each(variants)('$name in a shadow root', ({ DashboardClass, fixed }) => {
  test(fixed ? 'Tab moves focus through the modal' : 'Tab stays pinned to the first control', async () => {
    const { root } = await modalWith(DashboardClass);
    const seen = new Set<Element | null>();
    for (let i = 0; i < 4; i++) {
      await userEvent.keyboard('{Tab}');
      seen.add(root.activeElement);
    }
    if (fixed) expect(seen.size).toBeGreaterThan(1);
    else expect(seen.size).toBe(1);
    // Either way focus never escapes the modal.
    for (const el of seen) expect(el && root.querySelector('.uppy-Dashboard--modal')?.contains(el)).toBe(true);
  });

  test(fixed ? 'a state update leaves focus where the person put it' : 'a state update steals focus', async () => {
    const { uppy, root } = await modalWith(DashboardClass);
    // Not the "super-focusable" browse button, which is where stock Dashboard pulls focus to.
    const close = root.querySelector<HTMLButtonElement>('.uppy-Dashboard-close');
    expect(close).not.toBeNull();
    close?.focus();
    expect(root.activeElement).toBe(close);
    uppy.setState({ info: [] });
    uppy.setMeta({ touched: Date.now() });
    // Uppy debounces its "super focus" by 260 ms.
    await new Promise((r) => setTimeout(r, 500));
    if (fixed) expect(root.activeElement).toBe(close);
    else expect(root.activeElement).toBe(root.querySelector('.uppy-Dashboard-browse'));
  });
});

describe.each(variants)('$name after a failed upload', ({ DashboardClass, fixed }) => {
  // transloadit/uppy#6564: the receipt for the heading patch. When the stock control starts to say "Error", upstream
  // fixed it and the patch in shadow-dashboard.ts can go.
  test(fixed ? 'the heading says the upload failed' : 'the heading still says "Uploading 1 file"', async () => {
    const { target, host, before } = shadowHost();
    const uppy = new Uppy();
    uppy.use(DashboardClass, { target, inline: true });
    cleanups.push(() => {
      uppy.destroy();
      host.remove();
      before.remove();
    });
    const id = uppy.addFile({ name: 'a.bin', data: new Blob(['a']) });
    const file = uppy.getFile(id);
    uppy.emit('upload-start', [file]);
    uppy.emit('upload-error', uppy.getFile(id), new Error('refused'));
    const heading = () => target.querySelector('.uppy-DashboardContent-title')?.textContent;
    await expect.poll(heading).toBe(fixed ? 'Error' : 'Uploading 1 file');
  });
});

describe.each(variants)('$name with one file', ({ DashboardClass, fixed }) => {
  // The receipt for the list-role patch: when the stock control's single-file list gets role="list", upstream fixed it.
  test(fixed ? 'the one file item is in a list' : 'the one file item has no list around it', async () => {
    const { target, host, before } = shadowHost();
    const uppy = new Uppy();
    uppy.use(DashboardClass, { target, inline: true });
    cleanups.push(() => {
      uppy.destroy();
      host.remove();
      before.remove();
    });
    uppy.addFile({ name: 'a.bin', data: new Blob(['a']) });
    await expect.poll(() => target.querySelector('[role="listitem"]')).not.toBeNull();
    const list = target.querySelector('[role="listitem"]')?.closest('[role="list"]') ?? null;
    if (fixed) expect(list).not.toBeNull();
    else expect(list).toBeNull();
  });
});

describe.each([
  { name: 'with bridgeExternalForms', bridged: true },
  { name: 'without it (control)', bridged: false },
])('a body-level form used from a shadow root, $name', ({ bridged }) => {
  test(bridged ? 'the submit button and Enter submit it' : 'nothing submits it', async () => {
    const { host, root, before } = shadowHost();
    const form = document.createElement('form');
    form.id = 'uppy-test-external-form';
    let submits = 0;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submits++;
    });
    document.body.append(form);
    root.innerHTML = `<input form="${form.id}" type="text"><button type="submit" form="${form.id}">Import</button>`;
    const unbridge = bridged ? bridgeExternalForms(root) : () => {};
    cleanups.push(() => {
      unbridge();
      form.remove();
      host.remove();
      before.remove();
    });
    root.querySelector('button')?.click();
    root.querySelector('input')?.focus();
    await userEvent.keyboard('{Enter}');
    expect(submits).toBe(bridged ? 2 : 0);
  });
});
