// axe-core (WCAG 2.2 A/AA and best practices) finds nothing in any state of the element, its dialog and its
// languages; and what the live region says over one upload run is said once each: progress, then the outcome.
import { describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { en } from '../../src/locales/en.js';
import type { SignetUploader } from '../../src/uploader/uploader.js';
import { expectNoViolations } from '../helpers/axe.js';
import {
  addTree,
  backendThatGivesUp,
  bytes,
  choose,
  gate,
  heldSigner,
  mount,
  next,
  pressUpload,
  results,
  server,
  tree,
  uploadButton,
} from '../helpers/browser.js';

const file = (name: string, seed: number, size = 400) => new File([bytes(size, seed)], name);

async function uploadAll(el: SignetUploader, files: File[]): Promise<void> {
  choose(el, files);
  const done = next(el, 'signet-queue-complete');
  await pressUpload(el);
  await done;
  await el.updateComplete;
}

describe('axe finds nothing', () => {
  test('idle, inline, with the options panel open', async () => {
    const el = await mount({ 'show-advanced-options': '', 'show-folder': '', 'show-upload-preset': '' });
    await expectNoViolations(el, 'idle');
  });

  test('queued: files chosen, options folded and locked', async () => {
    const el = await mount({ multiple: '', 'show-advanced-options': '' });
    choose(el, [file('a.bin', 1), file('b.bin', 2)]);
    await expect.poll(() => uploadButton(el)).not.toBeNull();
    await expectNoViolations(el, 'queued');
  });

  test('uploading', async () => {
    const el = await mount({ multiple: '' });
    const held = gate();
    el.signUpload = heldSigner(held.wait);
    choose(el, [file('a.bin', 3), file('b.bin', 4)]);
    await pressUpload(el);
    await expect.poll(() => el.status).toBe('uploading');
    await expectNoViolations(el, 'uploading');
    held.open();
  });

  test('complete, and a form field’s uploaded files with their Remove buttons', async () => {
    const el = await mount({ multiple: '', name: 'attachments' });
    await uploadAll(el, [file('a.bin', 5), file('b.bin', 6)]);
    expect(results(el).map((r) => r.status)).toEqual(['success', 'success']);
    await expectNoViolations(el, 'complete');
  });

  test('each error: refused by the server, failed (Retry), not added (too large), already existed', async () => {
    const id = `a11y-${Math.random().toString(36).slice(2, 10)}`;
    const refused = await mount();
    refused.signUpload = async () => ({
      signature: 'f'.repeat(40),
      timestamp: Math.floor(Date.now() / 1000),
      api_key: server().apiKey,
    });
    await uploadAll(refused, [file('forged.bin', 7)]);
    expect(results(refused)[0]?.status).toBe('refused');
    await expectNoViolations(refused, 'refused');

    // Nothing listens on port 9: the browser's own network error, a failure a retry can cure.
    const failed = await mount();
    failed.backend = backendThatGivesUp('http://127.0.0.1:9');
    await uploadAll(failed, [file('offline.bin', 8)]);
    expect(results(failed)[0]?.buttons).toEqual([en.outcomes.retry]);
    await expectNoViolations(failed, 'failed');

    const tooLarge = await mount({ 'max-file-size': '100' });
    choose(tooLarge, [file('huge.bin', 9, 5000)]);
    await expect.poll(() => results(tooLarge)[0]?.state).toBe(en.outcomes.notAdded);
    await expectNoViolations(tooLarge, 'not added');

    const existing = await mount({ 'public-id': id });
    await uploadAll(existing, [file('first.bin', 10)]);
    await uploadAll(existing, [file('again.bin', 11)]);
    expect(results(existing)[0]?.status).toBe('existing');
    await expectNoViolations(existing, 'existing');
  });

  test('a sub-folder held back, with its fix', async () => {
    const el = await mount({ multiple: '' });
    addTree(el, tree(['trip/Day 1/a.txt', 'trip/day-2/b.txt']));
    await expect.poll(() => results(el).some((r) => r.status === 'held')).toBe(true);
    await expectNoViolations(el, 'held');
  });

  test('the URL tab, and a link the server refuses', async () => {
    const el = await mount({ sources: 'local url' });
    await expect.poll(() => el.shadowRoot?.querySelector('[data-uppy-acquirer-id="Url"]')).not.toBeNull();
    await userEvent.click(el.shadowRoot?.querySelector('[data-uppy-acquirer-id="Url"]') as HTMLElement);
    const input = () => el.shadowRoot?.querySelector<HTMLInputElement>('.uppy-Url-input');
    await expect.poll(input).not.toBeNull();
    await expectNoViolations(el, 'URL tab');
    await userEvent.fill(input() as HTMLInputElement, 'http://169.254.169.254/latest/meta-data/');
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => results(el)[0]?.status, { timeout: 20_000 }).toBe('refused');
    await expectNoViolations(el, 'link refused');
  });

  test('the modal: closed, open with options, and its question while files upload', async () => {
    const el = await mount({ mode: 'modal', 'show-advanced-options': '', name: 'attachments', required: '' });
    await expectNoViolations(el, 'modal closed');
    await el.open();
    await expectNoViolations(el, 'modal open');
    const held = gate();
    el.signUpload = heldSigner(held.wait);
    choose(el, [file('a.bin', 12)]);
    await pressUpload(el);
    await expect.poll(() => el.status).toBe('uploading');
    el.shadowRoot?.querySelector<HTMLElement>('[part="close-button"]')?.click();
    await expect.poll(() => el.shadowRoot?.querySelector<HTMLDialogElement>('[part="confirm"]')?.open).toBe(true);
    await expectNoViolations(el, 'closing while uploading');
    held.open();
  });

  test('right to left, in Arabic, with results', async () => {
    const wrapper = document.createElement('div');
    wrapper.dir = 'rtl';
    const el = await mount({ locale: 'ar', multiple: '', 'show-advanced-options': '' }, wrapper);
    await expectNoViolations(el, 'RTL idle');
    await uploadAll(el, [file('a.bin', 13)]);
    await expectNoViolations(el, 'RTL complete');
  });

  test('dark theme, with results', async () => {
    const el = await mount({ theme: 'dark', multiple: '', 'show-advanced-options': '' });
    await uploadAll(el, [file('a.bin', 14)]);
    choose(el, [file('b.bin', 15)]);
    await expect.poll(() => uploadButton(el)).not.toBeNull();
    await expectNoViolations(el, 'dark');
  });
});

test('progress and outcome are announced once each, by the one live region', async () => {
  const el = await mount({ multiple: '' });
  const regions = () =>
    [...(el.shadowRoot?.querySelectorAll('[aria-live], [role="status"], [role="alert"], [role="log"]') ?? [])].filter(
      (node) => node.closest('[aria-hidden="true"]') === null,
    );
  const said: string[] = [];
  const observer = new MutationObserver(() => {
    for (const region of regions()) {
      const text = region.textContent?.trim() ?? '';
      if (text && said.at(-1) !== text) said.push(text);
    }
  });
  observer.observe(el.shadowRoot as ShadowRoot, { subtree: true, childList: true, characterData: true });
  try {
    await uploadAll(el, [file('a.bin', 16, 200_000), file('b.bin', 17, 200_000), file('c.bin', 18, 200_000)]);
    await expect.poll(() => said).toEqual([en.outcomes.uploadingMany.replace('{count}', '3'), '3 uploaded']);
    // One region: Uppy's status bar and informer say nothing of their own.
    expect(regions()).toHaveLength(1);
  } finally {
    observer.disconnect();
  }
});
