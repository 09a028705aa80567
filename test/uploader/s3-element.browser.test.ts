// <signet-uploader backend="s3">: the element itself, driven like a person (its file input and Upload button),
// uploading straight to radosgw through the S3 + PostgreSQL reference server of server/test/services-setup.ts.
import { expect, inject, test } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/define.js';
import type { UploadParams } from '../../src/protocol/params.js';
import type { SignetUploader } from '../../src/uploader/uploader.js';
import { bytes, choose, next, pressUpload, sha256 } from '../helpers/browser.js';

const s3Server = () => inject('s3Server');
const auth = () => ({ authorization: `Bearer ${s3Server().token}` });

test('backend="s3" sends the chosen file to the bucket and fires success with the server JSON; bytes are equal', async () => {
  const el = s3Element(document);
  try {
    await el.updateComplete;
    await el.ready;
    expect(el.uppy?.getPlugin('SignetS3')).toBeTruthy();
    const data = bytes(200_000, 4);
    choose(el, [new File([data], 'direct.bin', { type: 'application/octet-stream' })]);
    const success = next(el, 'signet-upload-success');
    await pressUpload(el);
    const { response } = await success;
    expect(response.bytes).toBe(data.length);
    const delivered = await (await fetch(response.secure_url)).arrayBuffer();
    expect(await sha256(delivered)).toBe(await sha256(data));
  } finally {
    el.remove();
  }
});

/**
 * A page in a same-origin iframe with the element defined: removing the iframe ends its page as a reload or a closed
 * tab does (no script of it runs again), which a test page cannot do to itself.
 */
async function framedPage(): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  // Vitest's browser runner wraps the modules' dynamic imports (Uppy loads on demand): the frame borrows it.
  frame.srcdoc = `<!doctype html><script>window.__vitest_browser_runner__ = parent.__vitest_browser_runner__;</script>
    <script type="module">import '/src/define.ts'; window.defined = true;</script>`;
  document.body.append(frame);
  await expect
    .poll(() => (frame.contentWindow as (Window & { defined?: boolean }) | null)?.defined, { timeout: 20_000 })
    .toBe(true);
  return frame;
}

function s3Element(doc: Document, attrs: Record<string, string> = {}): SignetUploader {
  const el = doc.createElement('signet-uploader') as SignetUploader;
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  el.setAttribute('backend', 's3');
  el.setAttribute('upload-url', s3Server().url);
  el.setAttribute('cloud-name', s3Server().cloudName);
  el.signUpload = async (params: UploadParams) =>
    (
      await fetch(`${s3Server().url}/api/sign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth() },
        body: JSON.stringify(params),
      })
    ).json();
  el.serverHeaders = auth;
  doc.body.append(el);
  return el;
}

/**
 * Notes the part numbers of the S3 part PUTs a page sends; parts above `lastSent` are never sent (they hang).
 * Returns what puts the page's XMLHttpRequest back.
 */
function tapParts(
  win: Window & typeof globalThis,
  seen: (part: number, stored: Promise<number>) => void,
  lastSent = Infinity,
): () => void {
  const proto = win.XMLHttpRequest.prototype;
  const { open, send } = proto;
  const urls = new WeakMap<XMLHttpRequest, string>();
  proto.open = function (this: XMLHttpRequest, ...args: unknown[]) {
    urls.set(this, `${args[0]} ${args[1]}`);
    return (open as (...a: unknown[]) => void).apply(this, args);
  } as typeof open;
  proto.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const part = Number(/^PUT .*[?&]partNumber=(\d+)/.exec(urls.get(this) ?? '')?.[1] ?? 0);
    if (part)
      seen(
        part,
        new Promise((resolve) => this.addEventListener('loadend', () => resolve(this.status), { once: true })),
      );
    if (part > lastSent) return;
    return send.call(this, body);
  };
  return () => {
    proto.open = open;
    proto.send = send;
  };
}

/** The records of unfinished uploads this origin keeps (backends/unfinished.ts). */
async function remembered(): Promise<{ uploadId: string; name: string; s3?: { key: string } }[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('signet-upload', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('unfinished', { keyPath: 'uploadId' });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    return await new Promise((resolve, reject) => {
      const request = db.transaction('unfinished').objectStore('unfinished').getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

test('backend="s3": a multipart upload its page left (a reload) continues on the next visit with the parts the bucket lacks', async () => {
  const MiB = 1024 * 1024;
  const data = bytes(40 * MiB, 31); // three parts of the adaptive 16 MiB
  const parts: { page: string; part: number }[] = [];
  const frame = await framedPage();
  const frameWindow = frame.contentWindow as Window & typeof globalThis;
  // In the first page only part 1 reaches the bucket: the others hang until the page goes, as on a dead network.
  let firstPart: Promise<number> | undefined;
  tapParts(
    frameWindow,
    (part, stored) => {
      parts.push({ page: 'first', part });
      if (part === 1) firstPart = stored;
    },
    1,
  );
  const first = s3Element(frame.contentDocument as Document);
  await first.updateComplete;
  await first.ready;
  const file = new frameWindow.File([data], 'film.bin', {
    type: 'application/octet-stream',
    lastModified: 1_700_000_000_000,
  });
  const transfer = new frameWindow.DataTransfer();
  transfer.items.add(file);
  const input = first.shadowRoot?.querySelector<HTMLInputElement>(
    'input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])',
  );
  if (!input) throw new Error('file input not rendered');
  input.files = transfer.files;
  input.dispatchEvent(new frameWindow.Event('change', { bubbles: true }));
  await pressUpload(first);
  await expect
    .poll(() => remembered().then((records) => records.map((r) => r.name)), { timeout: 30_000 })
    .toEqual(['film.bin']);
  const [record] = await remembered();
  await expect.poll(() => firstPart !== undefined).toBe(true);
  expect(await firstPart).toBe(200);
  frame.remove(); // the page is gone: nothing of it runs again

  // The next visit: the offer names the file; the person chooses it again.
  const untap = tapParts(window, (part) => parts.push({ page: 'second', part }));
  const second = s3Element(document);
  try {
    await second.updateComplete;
    const offer = () => second.shadowRoot?.querySelector('[part="resume"]');
    await expect
      .poll(() => offer()?.textContent?.replace(/\s+/g, ' ').trim())
      .toContain('An upload did not finish: film.bin.');
    const success = next(second, 'signet-upload-success');
    const again = new DataTransfer();
    again.items.add(
      new File([data], 'film.bin', { type: 'application/octet-stream', lastModified: 1_700_000_000_000 }),
    );
    const resumeInput = offer()?.querySelector<HTMLInputElement>('input[type="file"]');
    if (!resumeInput) throw new Error('no resume input');
    resumeInput.files = again.files;
    resumeInput.dispatchEvent(new Event('change', { bubbles: true }));
    const { response } = await success;
    expect(response.bytes).toBe(data.length);
    expect(await sha256(await (await fetch(response.secure_url)).arrayBuffer())).toBe(await sha256(data));
    // The second page sent only the parts the bucket lacked, under the same object key.
    expect(
      parts
        .filter((p) => p.page === 'second')
        .map((p) => p.part)
        .sort(),
    ).toEqual([2, 3]);
    expect(parts.some((p) => p.page === 'first' && p.part === 1)).toBe(true);
    expect(response.public_id).toBeTruthy();
    expect(record?.s3?.key).toBeTruthy();
    await expect.poll(() => remembered()).toEqual([]);
    expect(localStorage.getItem('signet-upload:unfinished')).toBeNull();
  } finally {
    untap();
    second.remove();
  }
});

test('backend="s3": a phone photo reaches the bucket without its location and device data', async () => {
  const photo = Uint8Array.from(atob(await commands.makePhoneJpeg()), (c) => c.charCodeAt(0));
  const el = s3Element(document);
  try {
    await el.updateComplete;
    await el.ready;
    choose(el, [new File([photo], 'listing.jpg', { type: 'image/jpeg' })]);
    const success = next(el, 'signet-upload-success');
    await pressUpload(el);
    const { response, file } = await success;
    const stored = new Uint8Array(await (await fetch(response.secure_url)).arrayBuffer());
    expect(file.removed).toEqual(['location', 'device', 'other']);
    expect(response.bytes).toBe(stored.length);
    let text = '';
    for (const byte of stored) text += String.fromCharCode(byte);
    const tags = await commands.readTags(btoa(text));
    expect(Object.keys(tags).filter((key) => /GPS|Make|Model|Serial/.test(key))).toEqual([]);
    expect(tags['IFD0:Orientation']).toBe(6);
  } finally {
    el.remove();
  }
});

test('backend="s3": a cropped photo reaches the bucket as the crop, its region signed and stored', async () => {
  const canvas = new OffscreenCanvas(300, 200);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.fillStyle = '#0a6';
  context.fillRect(0, 0, 300, 200);
  const png = await canvas.convertToBlob({ type: 'image/png' });
  const el = s3Element(document, { crop: '', 'crop-aspect-ratio': '1' });
  try {
    await el.updateComplete;
    await el.ready;
    choose(el, [new File([png], 'square.png', { type: 'image/png' })]);
    const save = () =>
      el.shadowRoot?.querySelector<HTMLButtonElement>('[data-uppy-paneltype="FileEditor"] .uppy-DashboardContent-save');
    await expect.poll(() => el.shadowRoot?.querySelector('.cropper-crop-box')).toBeTruthy();
    save()?.click(); // the square in the middle, as offered
    const success = next(el, 'signet-upload-success');
    await pressUpload(el);
    const { response, file } = await success;
    expect(file.cropped).toEqual({ x: 50, y: 0, width: 200, height: 200 });
    expect([response.width, response.height]).toEqual([200, 200]);
    expect((response as { coordinates?: unknown }).coordinates).toEqual({ custom: [[0, 0, 200, 200]] });
    const stored = await createImageBitmap(new Blob([await (await fetch(response.secure_url)).arrayBuffer()]));
    expect([stored.width, stored.height]).toEqual([200, 200]);
  } finally {
    el.remove();
  }
});
