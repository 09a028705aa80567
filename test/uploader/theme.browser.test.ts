// Theming: the documented custom properties reach the element's pieces and Uppy's Dashboard inside it; `theme`
// switches light, dark and the system's preference; the documented ::part()s can be styled from the page.
import { afterEach, expect, test } from 'vitest';
import { cdp } from 'vitest/browser';
import type { SignetUploader } from '../../src/uploader/uploader.js';
import { bytes, choose, mount, next, pressUpload } from '../helpers/browser.js';

const pageSheets: HTMLStyleElement[] = [];
afterEach(async () => {
  for (const sheet of pageSheets.splice(0)) sheet.remove();
  await cdp().send('Emulation.setEmulatedMedia', { features: [] });
});

function pageStyle(css: string): void {
  const style = document.createElement('style');
  style.textContent = css;
  document.head.append(style);
  pageSheets.push(style);
}

const $ = (el: SignetUploader, selector: string) => el.shadowRoot?.querySelector<HTMLElement>(selector) as HTMLElement;
const style = (el: SignetUploader, selector: string) => getComputedStyle($(el, selector));

async function uploadOne(el: SignetUploader): Promise<void> {
  choose(el, [new File([bytes(200, 1)], 'a.bin')]);
  const done = next(el, 'signet-queue-complete');
  await pressUpload(el);
  await done;
}

test('a page’s custom properties reach the element’s pieces and Uppy’s Dashboard', async () => {
  pageStyle(`
    signet-uploader.branded {
      --signet-accent: rgb(122, 46, 142);
      --signet-on-accent: rgb(255, 255, 255);
      --signet-surface: rgb(251, 238, 221);
      --signet-text: rgb(43, 29, 18);
      --signet-border: rgb(217, 191, 159);
      --signet-radius: 14px;
      --signet-font: Georgia, serif;
      --signet-spacing: 20px;
    }`);
  const el = await mount({ class: 'branded', 'show-advanced-options': '' });
  expect(style(el, '.uppy-Dashboard-inner').backgroundColor).toBe('rgb(251, 238, 221)');
  expect(style(el, '.uppy-Dashboard-inner').borderTopLeftRadius).toBe('14px');
  expect(style(el, '.uppy-Dashboard-browse').color).toBe('rgb(122, 46, 142)');
  expect(style(el, '.uppy-Dashboard-AddFiles-title').color).toBe('rgb(43, 29, 18)');
  expect(style(el, '.uppy-Root').fontFamily).toBe('Georgia, serif');
  expect(getComputedStyle(el.shadowRoot?.querySelector('signet-advanced-options') as Element).marginBottom).toBe(
    '20px',
  );
  choose(el, [new File([bytes(200, 2)], 'b.bin')]);
  await expect.poll(() => $(el, '.uppy-StatusBar-actionBtn--upload')).not.toBeNull();
  expect(style(el, '.uppy-StatusBar-actionBtn--upload').backgroundColor).toBe('rgb(122, 46, 142)');
  expect(style(el, '.uppy-StatusBar-actionBtn--upload').color).toBe('rgb(255, 255, 255)');
});

test('theme="dark" switches the palette of the element and of Uppy’s Dashboard', async () => {
  const light = await mount();
  const dark = await mount({ theme: 'dark' });
  expect(style(light, '.uppy-Dashboard-inner').backgroundColor).toBe('rgb(244, 245, 247)');
  expect(style(dark, '.uppy-Dashboard-inner').backgroundColor).toBe('rgb(42, 44, 49)');
  expect(style(dark, '.uppy-Dashboard-AddFiles-title').color).toBe('rgb(236, 239, 244)');
  expect($(dark, '.uppy-Dashboard').getAttribute('data-uppy-theme')).toBe('dark');
  // Changed on a running element, both follow.
  dark.theme = 'light';
  await expect.poll(() => style(dark, '.uppy-Dashboard-inner').backgroundColor).toBe('rgb(244, 245, 247)');
  await expect.poll(() => $(dark, '.uppy-Dashboard').getAttribute('data-uppy-theme')).toBe('light');
});

test('theme="auto" follows the system’s prefers-color-scheme', async () => {
  await cdp().send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value: 'dark' }] });
  const el = await mount({ theme: 'auto', mode: 'modal' });
  expect(style(el, '[part="open-button"]').backgroundColor).toBe('rgb(122, 184, 255)');
  await cdp().send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value: 'light' }] });
  await expect.poll(() => style(el, '[part="open-button"]').backgroundColor).toBe('rgb(18, 105, 207)');
});

test('the documented parts can be styled from the page', async () => {
  pageStyle(`
    signet-uploader::part(open-button) { text-transform: uppercase; }
    signet-uploader::part(dialog) { border-width: 5px; }
    signet-uploader::part(dialog-title) { letter-spacing: 2px; }
    signet-uploader::part(summary) { font-style: italic; }
    signet-uploader::part(result-success) { outline: 3px solid rgb(0, 128, 0); }
    signet-uploader::part(options-toggle) { text-decoration: underline; }
  `);
  const el = await mount({ mode: 'modal', 'show-advanced-options': '' });
  expect(style(el, '[part="open-button"]').textTransform).toBe('uppercase');
  await el.open();
  expect(style(el, '[part="dialog"]').borderTopWidth).toBe('5px');
  expect(style(el, '[part="dialog-title"]').letterSpacing).toBe('2px');
  const toggle = el.shadowRoot?.querySelector('signet-advanced-options')?.shadowRoot?.querySelector('[part="toggle"]');
  expect(getComputedStyle(toggle as Element).textDecorationLine).toBe('underline');
  await uploadOne(el);
  await expect.poll(() => $(el, '[part~="result-success"]')).not.toBeNull();
  expect(style(el, '[part~="result-success"]').outlineColor).toBe('rgb(0, 128, 0)');
  expect(style(el, '[part="summary"]').fontStyle).toBe('italic');
});
