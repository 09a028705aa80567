import { expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import { bytes, choose, mount, next, pressUpload } from '../helpers/browser.js';

const fromBase64 = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

test('an encrypted PDF is refused at once with the person-readable message, sends nothing, and the other files upload', async () => {
  const el = await mount({ multiple: '' });
  const encrypted = new File([fromBase64(await commands.makePdf(true))], 'locked.pdf', { type: 'application/pdf' });
  const plain = new File([fromBase64(await commands.makePdf(false))], 'open.pdf', { type: 'application/pdf' });
  const other = new File([bytes(2000, 9)], 'data.bin');
  const requests: string[] = [];
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body) {
    if (body instanceof FormData) requests.push((body.get('file') as File).name);
    return send.call(this, body);
  };
  try {
    choose(el, [encrypted, plain, other]);
    // At once: the tile shows the error and the informer says what to do, before anyone presses Upload.
    const informer = () => el.shadowRoot?.querySelector('.uppy-Informer')?.textContent ?? '';
    await expect.poll(informer).toContain('protected by a password');
    const lockedFile = () => el.uppy?.getFiles().find((f) => f.name === 'locked.pdf');
    expect(lockedFile()?.error).toMatch(/protected by a password/);

    const errors: { code: string; name: string }[] = [];
    el.addEventListener('signet-upload-error', (e) => errors.push({ code: e.error.code, name: e.file.name }));
    const complete = next(el, 'signet-queue-complete');
    await pressUpload(el);
    const done = await complete;
    expect([done.successful, done.failed]).toEqual([2, 1]);
    expect(errors).toEqual([{ code: 'PDF_ENCRYPTED', name: 'locked.pdf' }]);
  } finally {
    XMLHttpRequest.prototype.send = send;
  }
  expect(requests.sort()).toEqual(['data.bin', 'open.pdf']);
});
