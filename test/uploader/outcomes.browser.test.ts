// Issue 13, cases 1–3 and 7: every file ends in one visible, persistent state with its own words; the events say the
// same; Retry only where a retry can succeed; one polite live region; limits stated and kept before sending.
import { afterEach, describe, expect, onTestFinished, test } from 'vitest';
import { commands, page } from 'vitest/browser';
import { en } from '../../src/locales/en.js';
import type { SignetUploader } from '../../src/uploader/uploader.js';
import {
  backendThatGivesUp,
  bytes,
  choose,
  inViewport,
  listAssets,
  mount,
  next,
  pngBytes,
  pressUpload,
  resultNode,
  results,
  server,
  sha256,
  summaryText,
  uploadButton,
} from '../helpers/browser.js';

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fromBase64 = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const queueNames = (el: SignetUploader) => (el.uppy?.getFiles() ?? []).map((f) => f.name).sort();

/** A page with content above the widget, as on the demo: at 1280×800 the widget's lower part starts below the fold. */
async function mountBelowContent(attrs: Record<string, string>): Promise<SignetUploader> {
  await page.viewport(1280, 800);
  const header = document.createElement('div');
  header.style.height = '520px';
  header.textContent = 'Page content above the uploader';
  document.body.prepend(header);
  spacers.push(header);
  return mount(attrs);
}
const spacers: HTMLElement[] = [];
afterEach(() => {
  for (const node of spacers.splice(0)) node.remove();
  scrollTo(0, 0);
});

describe('case 1: a public ID already taken is "already existed", not success', () => {
  test('the second batch to the same public ID reads "Already existed", fires signet-upload-existing, and the stored bytes stay the first ones', async () => {
    const id = unique('walk-trip');
    const el = await mount({ multiple: '', 'public-id': id });
    const first = [1, 2, 3].map((i) => new File([bytes(400, i)], `day${i}.bin`));
    choose(el, first);
    const firstRun = next(el, 'signet-queue-complete');
    await pressUpload(el);
    expect((await firstRun).successful).toBe(3);
    await expect.poll(() => queueNames(el)).toEqual([]);
    expect(results(el).map((r) => [r.state, r.name])).toEqual([
      ['Uploaded', 'day1.bin'],
      ['Uploaded', 'day2.bin'],
      ['Uploaded', 'day3.bin'],
    ]);

    const successes: string[] = [];
    const existing: string[] = [];
    el.addEventListener('signet-upload-success', (e) => successes.push(e.response.public_id));
    el.addEventListener('signet-upload-existing', (e) => existing.push(e.response.public_id));
    choose(el, [new File([bytes(500, 8)], 'other-a.bin'), new File([bytes(500, 9)], 'other-b.bin')]);
    // A new batch: the first batch's lines give way.
    await expect.poll(() => results(el)).toEqual([]);
    const secondRun = next(el, 'signet-queue-complete');
    await pressUpload(el);
    const done = await secondRun;

    expect(successes).toEqual([]);
    expect(existing.sort()).toEqual([`${id}_1`, `${id}_2`]);
    expect(done.outcomes.map((o) => o.status)).toEqual(['existing', 'existing']);
    expect([done.successful, done.existing, done.refused, done.failed]).toEqual([0, 2, 0, 0]);
    for (const item of results(el)) {
      expect(item.state).toBe('Already existed');
      expect(item.text).toContain(en.outcomes.existingDetail);
    }
    expect(results(el).map((r) => r.name)).toEqual(['other-a.bin', 'other-b.bin']);
    expect(summaryText(el)).toBe('2 already existed');
    // Nothing waits in the queue, so the header can never say "0 files selected" next to finished files: the
    // drop zone is back, ready for the next batch.
    expect(el.uppy?.getFiles()).toEqual([]);
    await expect.poll(() => el.shadowRoot?.querySelector('.uppy-Dashboard-AddFiles')).not.toBeNull();
    expect(el.shadowRoot?.querySelector('.uppy-DashboardContent-title')).toBeNull();

    const stored = (await listAssets()).find((a) => a.public_id === `${id}_1`) as { secure_url?: string };
    const delivered = new Uint8Array(await (await fetch(stored.secure_url ?? '')).arrayBuffer());
    expect(await sha256(delivered)).toBe(await sha256(bytes(400, 1)));
  });

  test('with existing-as-success the page hears a success, and the person still reads "Already existed"', async () => {
    const id = unique('cover');
    const el = await mount({ 'public-id': id, 'existing-as-success': '' });
    choose(el, [new File([bytes(300, 1)], 'first.bin')]);
    const first = next(el, 'signet-upload-success');
    await pressUpload(el);
    expect((await first).response.existing).toBeUndefined();
    await expect.poll(() => queueNames(el)).toEqual([]);

    choose(el, [new File([bytes(300, 2)], 'again.bin')]);
    const again = next(el, 'signet-upload-success');
    const complete = next(el, 'signet-queue-complete');
    await pressUpload(el);
    expect((await again).response).toMatchObject({ public_id: id, existing: true });
    expect((await complete).outcomes.map((o) => o.status)).toEqual(['success']);
    await expect.poll(() => results(el).map((r) => [r.state, r.name])).toEqual([['Already existed', 'again.bin']]);
  });
});

describe('case 2: outcomes stay in view, in one live region, with Retry only where it can help', () => {
  test('uploaded, refused (with the reason and what to do) and failed (with Retry) stay visible in the viewport after 15 s', async () => {
    const el = await mountBelowContent({ multiple: '', 'show-advanced-options': '' });
    // A dropped connection fails at once here, not after minutes of backoff (retry.ts).
    el.backend = backendThatGivesUp();
    const html = new TextEncoder().encode('<html><body><script>alert(1)</script></body></html>');
    const send = XMLHttpRequest.prototype.send;
    let offline = true;
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body) {
      // flaky.bin meets a dropped connection (the browser's own error, no response) until the network is back.
      if (offline && body instanceof FormData && (body.get('file') as File | null)?.name === 'flaky.bin') {
        setTimeout(() => this.dispatchEvent(new ProgressEvent('error')), 0);
        return;
      }
      return send.call(this, body);
    };
    try {
      choose(el, [
        new File([bytes(800, 4)], 'notes.bin'),
        new File([html], 'photo.jpg', { type: 'image/jpeg' }),
        new File([bytes(900, 5)], 'flaky.bin'),
      ]);
      const errors: { name: string; code: string; retryable: boolean }[] = [];
      el.addEventListener('signet-upload-error', (e) =>
        errors.push({ name: e.file.name, code: e.error.code, retryable: e.retryable }),
      );
      const complete = next(el, 'signet-queue-complete');
      await pressUpload(el);
      const done = await complete;
      expect([done.successful, done.refused, done.failed]).toEqual([1, 1, 1]);
      expect(errors.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: 'flaky.bin', code: 'NETWORK_ERROR', retryable: true },
        { name: 'photo.jpg', code: 'TYPE_MISMATCH', retryable: false },
      ]);

      const check = () => {
        const byName = Object.fromEntries(results(el).map((r) => [r.name, r]));
        expect(byName['notes.bin']).toMatchObject({ status: 'success', state: 'Uploaded', buttons: [] });
        expect(byName['photo.jpg']).toMatchObject({ status: 'refused', state: 'Not accepted', buttons: [] });
        expect(byName['photo.jpg']?.text).toContain(en.errors.TYPE_MISMATCH);
        expect(byName['photo.jpg']?.text).toContain(en.advice.TYPE_MISMATCH);
        expect(byName['photo.jpg']?.text).toContain('TYPE_MISMATCH');
        expect(byName['flaky.bin']).toMatchObject({ status: 'failed', state: 'Failed', buttons: ['Retry'] });
        expect(byName['flaky.bin']?.text).toContain(en.errors.NETWORK_ERROR);
        expect(summaryText(el)).toBe('1 uploaded, 1 not accepted, 1 failed (can be retried)');
        // Every line is on screen, not below the fold.
        for (const name of ['notes.bin', 'photo.jpg', 'flaky.bin']) expect(inViewport(resultNode(el, name))).toBe(true);
      };
      await expect.poll(() => inViewport(resultNode(el, 'flaky.bin'))).toBe(true);
      check();
      // Only the file a retry can cure stays in Uppy's queue (its status bar's Retry covers nothing else).
      expect(queueNames(el)).toEqual(['flaky.bin']);

      // One polite live region in the whole element, and no toast informer.
      const live = el.shadowRoot?.querySelectorAll('[role="status"], [role="alert"], [aria-live]') ?? [];
      expect([...live].map((n) => n.getAttribute('part'))).toEqual(['summary']);
      expect(live[0]?.getAttribute('aria-live')).toBe('polite');
      expect(el.shadowRoot?.querySelector('.uppy-Informer')).toBeNull();

      await wait(15_000);
      check();

      offline = false;
      const retried = next(el, 'signet-queue-complete');
      resultNode(el, 'flaky.bin')?.querySelector('button')?.click();
      expect((await retried).outcomes.map((o) => [o.file.name, o.status])).toEqual([['flaky.bin', 'success']]);
      await expect.poll(() => resultNode(el, 'flaky.bin')?.dataset.status).toBe('success');
      expect(summaryText(el)).toBe('2 uploaded, 1 not accepted');
      expect(queueNames(el)).toEqual([]);
    } finally {
      XMLHttpRequest.prototype.send = send;
    }
  });

  test('a refusal the server decides (a forged signature) is not retryable and leaves the queue', async () => {
    const el = await mount();
    el.signUpload = async () => ({
      signature: 'f'.repeat(40),
      timestamp: Math.floor(Date.now() / 1000),
      api_key: server().apiKey,
    });
    choose(el, [new File([bytes(100)], 'forged.bin')]);
    const failure = next(el, 'signet-upload-error');
    await pressUpload(el);
    const event = await failure;
    expect([event.error.code, event.retryable]).toEqual(['SIGNATURE_INVALID', false]);
    await expect.poll(() => results(el)[0]?.status).toBe('refused');
    expect(results(el)[0]?.buttons).toEqual([]);
    expect(results(el)[0]?.text).toContain(en.advice.SIGNATURE_INVALID);
    expect(queueNames(el)).toEqual([]);
    expect(el.status).toBe('error');
  });
});

describe('case 3: a file refused before upload leaves the batch, its message kept', () => {
  test('an encrypted PDF leaves at once with the advice; "Upload 2 files"; the others upload; the message stays', async () => {
    const el = await mount({ multiple: '' });
    const encrypted = new File([fromBase64(await commands.makePdf(true))], 'locked.pdf', { type: 'application/pdf' });
    const plain = new File([fromBase64(await commands.makePdf(false))], 'open.pdf', { type: 'application/pdf' });
    const refusals: string[] = [];
    el.addEventListener('signet-upload-error', (e) => refusals.push(`${e.file.name} ${e.error.code}`));
    const sent: string[] = [];
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body) {
      if (body instanceof FormData) sent.push((body.get('file') as File).name);
      return send.call(this, body);
    };
    onTestFinished(() => {
      XMLHttpRequest.prototype.send = send;
    });
    choose(el, [encrypted, plain, new File([bytes(2000, 9)], 'data.bin')]);

    await expect.poll(() => results(el)[0]?.name).toBe('locked.pdf');
    expect(results(el)[0]).toMatchObject({ status: 'refused', state: 'Not added', buttons: [] });
    expect(results(el)[0]?.text).toContain(en.errors.PDF_ENCRYPTED);
    expect(refusals).toEqual(['locked.pdf PDF_ENCRYPTED']);
    expect(queueNames(el)).toEqual(['data.bin', 'open.pdf']);
    await expect.poll(() => uploadButton(el)?.textContent).toMatch(/Upload 2 files/);

    const complete = next(el, 'signet-queue-complete');
    await pressUpload(el);
    const done = await complete;
    expect([done.successful, done.refused, done.failed]).toEqual([2, 1, 0]);
    expect(done.outcomes.find((o) => o.status === 'refused')?.file.name).toBe('locked.pdf');
    // The run itself went through: nothing "failed", nothing to retry.
    await expect.poll(() => el.status).toBe('complete');
    expect(el.shadowRoot?.textContent).not.toMatch(/Upload failed/);
    expect(results(el).map((r) => [r.state, r.name])).toEqual([
      ['Not added', 'locked.pdf'],
      ['Uploaded', 'open.pdf'],
      ['Uploaded', 'data.bin'],
    ]);
    expect(summaryText(el)).toBe('2 uploaded, 1 not added');
    // The browser decided (with the server's own detector): not one byte of the locked PDF was sent.
    expect(sent.sort()).toEqual(['data.bin', 'open.pdf']);
  });
});

describe('case 6: what the bytes are decides', () => {
  test('a PNG named photo.jpg (sent as image/jpeg) is uploaded and stored as PNG', async () => {
    const el = await mount();
    choose(el, [new File([await pngBytes(20, 10)], 'photo.jpg', { type: 'image/jpeg' })]);
    const success = next(el, 'signet-upload-success');
    await pressUpload(el);
    const { response } = await success;
    expect(response).toMatchObject({ format: 'png', resource_type: 'image', width: 20, height: 10 });
    await expect.poll(() => results(el)[0]?.state).toBe('Uploaded');
  });
});

describe('case 7: limits are stated and kept before sending', () => {
  test('the drop zone states types, size and count; a larger file is refused at once and never sent', async () => {
    const el = await mount({ multiple: '', 'max-files': '3', 'max-file-size': '50000', accept: 'image/*,.pdf' });
    const note = el.shadowRoot?.querySelector('.uppy-Dashboard-note');
    expect(note?.textContent?.trim()).toBe('Accepted: images, PDF · Up to 50 kB each · Up to 3 files');
    await expect.poll(() => inViewport(note)).toBe(true);

    const sent: string[] = [];
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body) {
      if (body instanceof FormData) sent.push((body.get('file') as File).name);
      return send.call(this, body);
    };
    try {
      choose(el, [
        new File([await pngBytes(4, 4)], 'small.png', { type: 'image/png' }),
        new File([bytes(60_000, 3)], 'huge.png', { type: 'image/png' }),
        new File(['hello'], 'notes.txt', { type: 'text/plain' }),
      ]);
      await expect.poll(() => results(el).length).toBe(2);
      const byName = Object.fromEntries(results(el).map((r) => [r.name, r]));
      expect(byName['huge.png']).toMatchObject({ state: 'Not added' });
      expect(byName['huge.png']?.text).toContain('It is larger than the limit of 50 kB.');
      expect(byName['notes.txt']?.text).toContain('Files of this type are not accepted here (images, PDF).');
      expect(queueNames(el)).toEqual(['small.png']);
      const complete = next(el, 'signet-queue-complete');
      await pressUpload(el);
      const done = await complete;
      expect(done.outcomes.map((o) => [o.file.name, o.status])).toEqual([
        ['huge.png', 'refused'],
        ['notes.txt', 'refused'],
        ['small.png', 'success'],
      ]);
    } finally {
      XMLHttpRequest.prototype.send = send;
    }
    expect(sent).toEqual(['small.png']);
  });

  test('one file at a time says so, and a second pick beyond it is refused in words', async () => {
    const el = await mount();
    expect(el.shadowRoot?.querySelector('.uppy-Dashboard-note')?.textContent?.trim()).toBe(
      'Any type of file · Up to 2.1 GB each · One file',
    );
    choose(el, [new File(['a'], 'a.txt'), new File(['b'], 'b.txt')]);
    await expect.poll(() => results(el)[0]?.text ?? '').toContain(en.restrictions.MAX_ONE);
    expect(queueNames(el)).toEqual([]);
  });
});
