// mode="modal": the element's own native <dialog> (showModal, top layer) around the options, the drop zone and the
// results. Keys and clicks are real (userEvent), so focus and Escape behave as for a person.
import { describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { en } from '../../src/locales/en.js';
import type { SignetUploader } from '../../src/uploader/uploader.js';
import { bytes, choose, gate, heldSigner, mount, next, pressUpload, results } from '../helpers/browser.js';

const part = <T extends HTMLElement = HTMLElement>(el: SignetUploader, name: string) =>
  el.shadowRoot?.querySelector<T>(`[part~="${name}"]`) ?? null;
const dialog = (el: SignetUploader) => part<HTMLDialogElement>(el, 'dialog');
const confirm = (el: SignetUploader) => part<HTMLDialogElement>(el, 'confirm');
const focused = (el: SignetUploader) => el.shadowRoot?.activeElement ?? null;
const file = (name: string, seed: number) => new File([bytes(500, seed)], name);

describe('the dialog', () => {
  test('the open button opens a modal named by its title; focus moves in, Escape closes, focus is back on the button', async () => {
    const el = await mount({ mode: 'modal', 'show-advanced-options': '' });
    const button = part<HTMLButtonElement>(el, 'open-button');
    expect(button?.textContent?.trim()).toBe(en.openButton);
    expect(button?.getAttribute('aria-haspopup')).toBe('dialog');
    await userEvent.click(button as HTMLElement);
    const box = dialog(el) as HTMLDialogElement;
    expect(box.open).toBe(true);
    expect(box.matches(':modal')).toBe(true);
    // Its accessible name is its heading.
    const title = el.shadowRoot?.getElementById(box.getAttribute('aria-labelledby') ?? '');
    expect(title?.textContent).toBe(en.dialog.title);
    expect(box.contains(focused(el))).toBe(true);
    // The options, the drop zone and the results are inside it.
    expect(box.contains(part(el, 'options'))).toBe(true);
    expect(box.contains(el.shadowRoot?.querySelector('.uppy-Dashboard-inner') ?? null)).toBe(true);
    expect(box.contains(part(el, 'results'))).toBe(true);
    await userEvent.keyboard('{Escape}');
    expect(box.open).toBe(false);
    expect(focused(el)).toBe(button);
  });

  test('the close button closes it; opened by the page with open(), focus goes back to the page’s own button', async () => {
    const el = await mount({ mode: 'modal' });
    const opener = document.createElement('button');
    opener.textContent = 'Add attachments';
    opener.addEventListener('click', () => el.open());
    document.body.append(opener);
    try {
      await userEvent.click(opener);
      await expect.poll(() => dialog(el)?.open).toBe(true);
      const close = part(el, 'close-button') as HTMLElement;
      expect(close.getAttribute('aria-label')).toBe(en.dialog.close);
      await userEvent.click(close);
      expect(dialog(el)?.open).toBe(false);
      expect(document.activeElement).toBe(opener);
    } finally {
      opener.remove();
    }
  });

  test('opening and closing changes nothing on <html> or <body>', async () => {
    const el = await mount({ mode: 'modal' });
    const page = () => [
      document.documentElement.getAttribute('style'),
      document.documentElement.className,
      document.body.getAttribute('style'),
      document.body.className,
      getComputedStyle(document.body).overflow,
    ];
    const before = page();
    await el.open();
    expect(dialog(el)?.open).toBe(true);
    expect(page()).toEqual(before);
    await el.close();
    expect(page()).toEqual(before);
  });

  test('inside a page’s own open modal dialog it opens on top; Escape closes only it; focus returns into the page’s dialog', async () => {
    const host = document.createElement('dialog');
    host.innerHTML = '<h2>New ticket</h2><p>Attach your files.</p>';
    document.body.append(host);
    try {
      const el = await mount({ mode: 'modal' }, host);
      host.showModal();
      const button = part<HTMLButtonElement>(el, 'open-button') as HTMLButtonElement;
      await userEvent.click(button);
      expect(dialog(el)?.matches(':modal')).toBe(true);
      expect(dialog(el)?.contains(focused(el))).toBe(true);
      await userEvent.keyboard('{Escape}');
      expect(dialog(el)?.open).toBe(false);
      expect(host.open).toBe(true);
      expect(focused(el)).toBe(button);
    } finally {
      host.close();
      host.remove();
    }
  });
});

describe('uploads and the dialog', () => {
  test('results are read inside the open dialog, and under the open button once it is closed', async () => {
    const el = await mount({ mode: 'modal', multiple: '' });
    await el.open();
    choose(el, [file('one.bin', 1), file('two.bin', 2)]);
    const complete = next(el, 'signet-queue-complete');
    await pressUpload(el);
    await complete;
    const box = dialog(el) as HTMLDialogElement;
    expect(box.open).toBe(true);
    await expect.poll(() => box.contains(part(el, 'results-list'))).toBe(true);
    expect(results(el).map((r) => [r.state, r.name])).toEqual([
      ['Uploaded', 'one.bin'],
      ['Uploaded', 'two.bin'],
    ]);
    await el.close();
    await el.updateComplete;
    const list = part(el, 'results-list') as HTMLElement;
    expect(box.contains(list)).toBe(false);
    expect(list.getBoundingClientRect().top).toBeGreaterThan(
      part(el, 'open-button')?.getBoundingClientRect().bottom ?? 0,
    );
  });

  test('closing while files upload asks; “Close and keep uploading” closes it and the upload still ends', async () => {
    const el = await mount({ mode: 'modal' });
    const held = gate();
    el.signUpload = heldSigner(held.wait);
    await userEvent.click(part(el, 'open-button') as HTMLElement);
    choose(el, [file('big.bin', 3)]);
    const success = next(el, 'signet-upload-success');
    await pressUpload(el);
    await expect.poll(() => el.status).toBe('uploading');
    await userEvent.keyboard('{Escape}');
    const question = confirm(el) as HTMLDialogElement;
    expect(question.open).toBe(true);
    expect(dialog(el)?.open).toBe(true);
    expect(question.getAttribute('role')).toBe('alertdialog');
    expect(el.shadowRoot?.getElementById(question.getAttribute('aria-labelledby') ?? '')?.textContent).toBe(
      en.dialog.busyTitle,
    );
    const keep = [...question.querySelectorAll('button')].find(
      (b) => b.textContent?.trim() === en.dialog.keepUploading,
    );
    expect(focused(el)).toBe(keep);
    await userEvent.keyboard('{Enter}');
    expect(dialog(el)?.open).toBe(false);
    expect(focused(el)).toBe(part(el, 'open-button'));
    held.open();
    expect((await success).file.name).toBe('big.bin');
    await expect.poll(() => results(el).map((r) => r.state)).toEqual(['Uploaded']);
  });

  test('“Go back” keeps the dialog open; “Stop the uploads and close” cancels them', async () => {
    const el = await mount({ mode: 'modal' });
    const held = gate();
    el.signUpload = heldSigner(held.wait);
    await el.open();
    choose(el, [file('stopped.bin', 4)]);
    await pressUpload(el);
    await expect.poll(() => el.status).toBe('uploading');
    const buttons = () => [...(confirm(el)?.querySelectorAll('button') ?? [])];
    const byText = (text: string) => buttons().find((b) => b.textContent?.trim() === text) as HTMLElement;
    await userEvent.click(part(el, 'close-button') as HTMLElement);
    expect(confirm(el)?.open).toBe(true);
    await userEvent.click(byText(en.dialog.stay));
    expect(confirm(el)?.open).toBe(false);
    expect(dialog(el)?.open).toBe(true);
    await userEvent.click(part(el, 'close-button') as HTMLElement);
    await userEvent.click(byText(en.dialog.stopUploads));
    expect(dialog(el)?.open).toBe(false);
    expect(el.uppy?.getFiles()).toHaveLength(0);
    held.open();
    expect(el.status).not.toBe('uploading');
  });
});

test('inline mode renders the dashboard in place with Uppy styles adopted into the shadow root', async () => {
  const el = await mount();
  const inner = el.shadowRoot?.querySelector<HTMLElement>('.uppy-Dashboard-inner');
  expect(inner).not.toBeNull();
  expect(inner?.getBoundingClientRect().height ?? 0).toBeGreaterThan(100);
  expect(getComputedStyle(inner as HTMLElement).borderRadius).not.toBe('0px');
  expect(el.shadowRoot?.querySelector('[part="open-button"]')).toBeNull();
  expect(el.shadowRoot?.querySelector('dialog')).toBeNull();
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
