import { expect, test } from 'vitest';
import { bytes, choose, mount, next, pressUpload, results } from '../helpers/browser.js';

test('mode="modal" renders an open button; it, open() and close() show and hide the dashboard', async () => {
  const el = await mount({ mode: 'modal' });
  const button = el.shadowRoot?.querySelector<HTMLButtonElement>('[part="open-button"]');
  expect(button?.textContent?.trim()).toBe('Upload files');
  const modal = () => el.shadowRoot?.querySelector('.uppy-Dashboard--modal');
  const isOpen = () => modal()?.getAttribute('aria-hidden') === 'false';
  expect(isOpen()).toBe(false);
  button?.click();
  await expect.poll(isOpen).toBe(true);
  await el.close();
  await expect.poll(isOpen).toBe(false);
  await el.open();
  await expect.poll(isOpen).toBe(true);
});

test('inline mode renders the dashboard in place with Uppy styles adopted into the shadow root', async () => {
  const el = await mount();
  const inner = el.shadowRoot?.querySelector<HTMLElement>('.uppy-Dashboard-inner');
  expect(inner).not.toBeNull();
  expect(inner?.getBoundingClientRect().height ?? 0).toBeGreaterThan(100);
  expect(getComputedStyle(inner as HTMLElement).borderRadius).not.toBe('0px');
  expect(el.shadowRoot?.querySelector('[part="open-button"]')).toBeNull();
  // Nothing of Uppy's CSS leaks into the page.
  expect(document.adoptedStyleSheets.length).toBe(0);
});

test('moving the element in the DOM tears Uppy down and builds exactly one new dashboard', async () => {
  const el = await mount();
  const first = el.uppy;
  const other = document.createElement('div');
  document.body.append(other);
  other.append(el);
  await el.ready;
  expect(el.uppy).not.toBe(first);
  expect(el.shadowRoot?.querySelectorAll('.uppy-Dashboard').length).toBe(1);
  other.remove();
});

test('in modal mode a finished run closes the modal, and the results under the open button say how each file ended', async () => {
  const el = await mount({ mode: 'modal', multiple: '' });
  const isOpen = () => el.shadowRoot?.querySelector('.uppy-Dashboard--modal')?.getAttribute('aria-hidden') === 'false';
  await el.open();
  await expect.poll(isOpen).toBe(true);
  choose(el, [new File([bytes(300, 1)], 'one.bin'), new File([bytes(300, 2)], 'two.bin')]);
  const complete = next(el, 'signet-queue-complete');
  await pressUpload(el);
  await complete;
  await expect.poll(isOpen).toBe(false);
  expect(results(el).map((r) => [r.state, r.name])).toEqual([
    ['Uploaded', 'one.bin'],
    ['Uploaded', 'two.bin'],
  ]);
  const button = el.shadowRoot?.querySelector('[part="open-button"]') as HTMLElement;
  const list = el.shadowRoot?.querySelector('[part="results-list"]') as HTMLElement;
  // Under the open button, in the page.
  expect(list.getBoundingClientRect().top).toBeGreaterThan(button.getBoundingClientRect().bottom);
});
