// Nothing heavy before the person acts: the element shows its own light drop zone, and Uppy (the Dashboard, its
// CSS, the sources) loads on the first sign of intent. Files given to the light drop zone meanwhile are never lost.
import { beforeEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { mount, server, signWithServer } from '../helpers/browser.js';

const dropZone = (el: HTMLElement) => el.shadowRoot?.querySelector<HTMLElement>('[part="drop-zone"]') ?? null;
const dashboard = (el: HTMLElement) => el.shadowRoot?.querySelector('.uppy-Dashboard') ?? null;
const runtimeRequested = () =>
  performance.getEntriesByType('resource').some((entry) => entry.name.includes('uppy-runtime'));
const names = (el: Awaited<ReturnType<typeof mount>>) => el.uppy?.getFiles().map((f) => f.name) ?? [];

function dropOn(target: Element, files: File[]): void {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  target.dispatchEvent(
    new DragEvent('drop', { dataTransfer: transfer, bubbles: true, composed: true, cancelable: true }),
  );
}

// The pointer rests where an earlier test file left it; Chromium sends pointerenter to an element that appears under
// a resting pointer (intent, rightly). These tests park it in a corner the elements never reach.
beforeEach(async () => {
  let corner = document.getElementById('pointer-parking');
  if (!corner) {
    corner = document.createElement('div');
    corner.id = 'pointer-parking';
    corner.style.cssText = 'position:fixed;right:0;bottom:0;width:4px;height:4px';
    document.body.append(corner);
  }
  await userEvent.hover(corner);
});

describe('before any intent', () => {
  // First in this file: no test before it has loaded Uppy's module into this page.
  test('the element shows its light drop zone with its limits, and requests nothing of Uppy', async () => {
    const el = await mount({ multiple: '', 'max-files': '3', accept: 'image/*' }, undefined, { idle: true });
    await el.serverInfoReady;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(runtimeRequested()).toBe(false);
    expect(el.uppy).toBeUndefined();
    expect(dashboard(el)).toBeNull();
    const zone = dropZone(el);
    expect(zone?.textContent).toContain('Drop files here or');
    expect(zone?.querySelector('button')?.textContent).toBe('browse files');
    expect(zone?.querySelector('.note')?.textContent).toMatch(
      /^Accepted: images · Up to [\d.]+ [KMG]B each · Up to 3 files$/,
    );
    expect(zone?.getBoundingClientRect().height).toBe(400);

    el.dispatchEvent(new PointerEvent('pointerenter'));
    await expect.poll(() => dashboard(el)).not.toBeNull();
    expect(runtimeRequested()).toBe(true);
    // The Dashboard takes the light drop zone's place.
    await expect.poll(() => dropZone(el)).toBeNull();
  });

  test('focus moving into the element loads Uppy; so does a drag entering the page', async () => {
    const focused = await mount({ height: '150' }, undefined, { idle: true });
    const dragged = await mount({ height: '150' }, undefined, { idle: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(focused.uppy).toBeUndefined();
    expect(dragged.uppy).toBeUndefined();
    dropZone(focused)?.querySelector('button')?.focus();
    await expect.poll(() => focused.uppy).toBeDefined();
    expect(dragged.uppy).toBeUndefined();
    document.body.dispatchEvent(new DragEvent('dragenter', { bubbles: true }));
    await expect.poll(() => dragged.uppy).toBeDefined();
  });

  test('a closed modal shows only its button and loads Uppy when it opens', async () => {
    const el = await mount({ mode: 'modal' }, undefined, { idle: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(el.uppy).toBeUndefined();
    await el.open();
    await expect.poll(() => dashboard(el)).not.toBeNull();
  });
});

describe('files given before Uppy has loaded', () => {
  test('a drop on the light drop zone: every file is queued once Uppy is up, in order', async () => {
    const el = await mount({ multiple: '' }, undefined, { idle: true });
    const files = ['a.txt', 'b.txt', 'c.txt'].map((name, i) => new File([`early ${i}`], name, { type: 'text/plain' }));
    dropOn(dropZone(el) as HTMLElement, files);
    // Taken while nothing of Uppy had loaded.
    expect(el.uppy).toBeUndefined();
    await expect.poll(() => names(el)).toEqual(['a.txt', 'b.txt', 'c.txt']);
    const stored = el.uppy?.getFiles().map((f) => f.data as File);
    expect(stored?.[1]).toBe(files[1]);
  });

  test('a pick through "browse files" and a paste, before Uppy is up, are both kept', async () => {
    const el = await mount({ multiple: '' }, undefined, { idle: true });
    const zone = dropZone(el) as HTMLElement;
    const input = zone.querySelector<HTMLInputElement>('input[type=file]') as HTMLInputElement;
    expect(input.multiple).toBe(true);
    const picked = new DataTransfer();
    picked.items.add(new File(['picked'], 'picked.txt', { type: 'text/plain' }));
    input.files = picked.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    const pasted = new DataTransfer();
    pasted.items.add(new File(['pasted'], 'pasted.txt', { type: 'text/plain' }));
    zone.dispatchEvent(new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, cancelable: true }));
    await expect.poll(() => names(el)).toEqual(['picked.txt', 'pasted.txt']);
  });

  test('early files upload like any others: the bytes stored are the bytes dropped', async () => {
    const el = await mount({}, undefined, { idle: true });
    el.signUpload = signWithServer;
    const file = new File([new Uint8Array(3000).fill(7)], 'early.bin');
    dropOn(dropZone(el) as HTMLElement, [file]);
    await expect.poll(() => names(el)).toEqual(['early.bin']);
    const uploaded = new Promise<{ response: { bytes: number; secure_url: string } }>((resolve) =>
      el.addEventListener('signet-upload-success', (e) => resolve(e as never), { once: true }),
    );
    await el.upload();
    const { response } = await uploaded;
    expect(response.bytes).toBe(3000);
    const body = new Uint8Array(
      await (await fetch(response.secure_url.replace(/^https?:\/\/[^/]+/, server().url))).arrayBuffer(),
    );
    expect(body).toEqual(new Uint8Array(3000).fill(7));
  });
});
