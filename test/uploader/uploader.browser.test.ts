import { describe, expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import type { UploadParams } from '../../src/protocol/params.js';
import {
  bytes,
  choose,
  listAssets,
  mount,
  next,
  pressUpload,
  results,
  server,
  sha256,
  signWithServer,
} from '../helpers/browser.js';

async function deliveredBytes(url: string): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

describe('<signet-uploader> uploading to the reference server', () => {
  test('uploads a chosen file through a signed request; the success event carries the server JSON and the stored bytes are equal', async () => {
    const el = await mount();
    const data = bytes(300_000, 7);
    const statuses: string[] = [];
    new MutationObserver(() => statuses.push(el.getAttribute('status') ?? '')).observe(el, { attributes: true });

    choose(el, [new File([data], 'skeleton.bin', { type: 'application/octet-stream' })]);
    await expect.poll(() => el.status).toBe('ready');
    const success = next(el, 'signet-upload-success');
    const complete = next(el, 'signet-queue-complete');
    await pressUpload(el);

    const event = await success;
    expect(event.file.name).toBe('skeleton.bin');
    expect(event.response.bytes).toBe(300_000);
    expect(event.response.resource_type).toBe('raw');
    expect(event.response.secure_url).toContain(`/${server().cloudName}/raw/upload/v${event.response.version}/`);
    expect(await sha256(await deliveredBytes(event.response.secure_url))).toBe(await sha256(data));
    const done = await complete;
    expect([done.successful, done.existing, done.refused, done.failed]).toEqual([1, 0, 0, 0]);
    expect(done.outcomes[0]).toMatchObject({ status: 'success', response: { public_id: event.response.public_id } });
    await expect.poll(() => el.getAttribute('status')).toBe('complete');
    expect(statuses).toContain('uploading');
  });

  test('signs exactly the parameters it then posts, with the timestamp and source it adds', async () => {
    const el = await mount();
    const signed: UploadParams[] = [];
    el.signUpload = async (params) => {
      signed.push(params);
      return signWithServer(params);
    };
    const posted: string[][] = [];
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body) {
      if (body instanceof FormData) posted.push([...body.keys()]);
      return send.call(this, body);
    };
    try {
      choose(el, [new File([bytes(1000)], 'a.bin')]);
      const success = next(el, 'signet-upload-success');
      await pressUpload(el);
      await success;
    } finally {
      XMLHttpRequest.prototype.send = send;
    }
    expect(signed).toHaveLength(1);
    expect(Object.keys(signed[0] ?? {}).sort()).toEqual(['source', 'timestamp']);
    expect(signed[0]?.source).toBe('signet');
    expect(posted[0]?.sort()).toEqual(['api_key', 'file', 'signature', 'source', 'timestamp']);
  });

  test('a changed signed parameter is refused with SIGNATURE_INVALID, shown to the person, and nothing is stored', async () => {
    const el = await mount();
    el.signUpload = async (params) => {
      const signed = await signWithServer(params);
      return { ...signed, signature: signed.signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) };
    };
    const before = (await listAssets()).length;
    // Other files' chunk sessions (a resumable upload left by an earlier test) may wait in the temp folder.
    const tempBefore = await commands.tempFileCount(server().dataDir);
    choose(el, [new File([bytes(5000)], 'tampered.bin')]);
    const failure = next(el, 'signet-upload-error');
    const complete = next(el, 'signet-queue-complete');
    await pressUpload(el);

    const { error, file } = await failure;
    expect(file.name).toBe('tampered.bin');
    expect(error.code).toBe('SIGNATURE_INVALID');
    expect(error.status).toBe(401);
    expect((await complete).refused).toBe(1);
    await expect.poll(() => el.getAttribute('status')).toBe('error');
    // The message reaches the person, in the results under the drop zone.
    await expect.poll(() => results(el)[0]?.name).toBe('tampered.bin');
    expect(results(el)[0]?.text).toContain('SIGNATURE_INVALID');
    expect((await listAssets()).length).toBe(before);
    expect(await commands.tempFileCount(server().dataDir)).toBe(tempBefore);
  });

  test('a signature another client already spent is asked for once more, and the file uploads', async () => {
    // Parameters of its own: other tests in the same second must not have been issued the same signature.
    const el = await mount({ tags: `spent-${Math.random().toString(36).slice(2, 10)}` });
    const timestamps: number[] = [];
    el.signUpload = async (params) => {
      timestamps.push(Number(params.timestamp));
      const signed = await signWithServer(params);
      if (timestamps.length === 1) {
        // Another client spends this very signature first (the signing endpoint issued it once so far).
        const form = new FormData();
        for (const [name, value] of Object.entries(params)) form.append(name, String(value));
        form.append('api_key', signed.api_key);
        form.append('signature', signed.signature);
        form.append('file', new File([bytes(10, 3)], 'other.bin'));
        const { url, cloudName } = server();
        expect((await fetch(`${url}/v1_1/${cloudName}/auto/upload`, { method: 'POST', body: form })).status).toBe(200);
      }
      return signed;
    };
    choose(el, [new File([bytes(3000, 8)], 'mine.bin')]);
    const success = next(el, 'signet-upload-success');
    await pressUpload(el);
    expect((await success).response.bytes).toBe(3000);
    expect(timestamps).toHaveLength(2);
  });

  test('two clients signing identical parameters in the same second both upload, each with one signature', async () => {
    // Both widgets pick the same second: no timestamp stepping, the same signature issued twice, used twice.
    const realNow = Date.now;
    const fixed = realNow();
    Date.now = () => fixed;
    try {
      const [first, second] = [await mount(), await mount()];
      const asked: UploadParams[] = [];
      const signatures: string[] = [];
      for (const el of [first, second])
        el.signUpload = async (params) => {
          asked.push(params);
          const signed = await signWithServer(params);
          signatures.push(signed.signature);
          return signed;
        };
      choose(first, [new File([bytes(1500, 21)], 'a.bin')]);
      choose(second, [new File([bytes(1600, 22)], 'b.bin')]);
      const done = [next(first, 'signet-upload-success'), next(second, 'signet-upload-success')];
      await Promise.all([pressUpload(first), pressUpload(second)]);
      const [a, b] = await Promise.all(done);
      expect([a.response.bytes, b.response.bytes]).toEqual([1500, 1600]);
      expect(asked).toHaveLength(2);
      expect(asked[0]).toEqual(asked[1]);
      expect(signatures[0]).toBe(signatures[1]);
    } finally {
      Date.now = realNow;
    }
  });

  test('asks once for a fresh signature when the first one has expired', async () => {
    const el = await mount();
    const timestamps: number[] = [];
    el.signUpload = async (params) => {
      timestamps.push(Number(params.timestamp));
      if (timestamps.length > 1) return signWithServer(params);
      // A signature the server made correctly but two hours ago.
      const stale = { ...params, timestamp: Number(params.timestamp) - 7200 };
      return signLocally(stale);
    };
    choose(el, [new File([bytes(2000)], 'late.bin')]);
    const success = next(el, 'signet-upload-success');
    await pressUpload(el);
    expect((await success).response.bytes).toBe(2000);
    expect(timestamps).toHaveLength(2);
  });

  test('sends files above chunk-size in chunks with Content-Range and one upload id; the stored bytes are equal', async () => {
    const el = await mount({ 'chunk-size': String(256 * 1024) });
    const data = bytes(1024 * 1024 + 12_345, 3);
    const headers: Record<string, string>[] = [];
    const setRequestHeader = XMLHttpRequest.prototype.setRequestHeader;
    const open = XMLHttpRequest.prototype.open;
    XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, ...args: Parameters<XMLHttpRequest['open']>) {
      headers.push({});
      return open.apply(this, args);
    } as XMLHttpRequest['open'];
    XMLHttpRequest.prototype.setRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
      const last = headers.at(-1);
      if (last) last[name.toLowerCase()] = value;
      return setRequestHeader.call(this, name, value);
    };
    try {
      choose(el, [new File([data], 'big.bin')]);
      const success = next(el, 'signet-upload-success');
      await pressUpload(el);
      const { response } = await success;
      expect(response.bytes).toBe(data.length);
      expect(await sha256(await deliveredBytes(response.secure_url))).toBe(await sha256(data));
    } finally {
      XMLHttpRequest.prototype.setRequestHeader = setRequestHeader;
      XMLHttpRequest.prototype.open = open;
    }
    expect(headers.map((h) => h['content-range'])).toEqual([
      `bytes 0-262143/${data.length}`,
      `bytes 262144-524287/${data.length}`,
      `bytes 524288-786431/${data.length}`,
      `bytes 786432-1048575/${data.length}`,
      `bytes 1048576-${data.length - 1}/${data.length}`,
    ]);
    expect(new Set(headers.map((h) => h['x-unique-upload-id'])).size).toBe(1);
  });

  test('retries a chunk once when its request fails on the network, and the file still arrives whole', async () => {
    const el = await mount({ 'chunk-size': String(128 * 1024) });
    const data = bytes(400_000, 11);
    const send = XMLHttpRequest.prototype.send;
    let calls = 0;
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body) {
      calls++;
      // The second request dies like a dropped connection, before reaching the server.
      if (calls === 2) {
        setTimeout(() => this.dispatchEvent(new ProgressEvent('error')), 0);
        return;
      }
      return send.call(this, body);
    };
    try {
      choose(el, [new File([data], 'flaky.bin')]);
      const success = next(el, 'signet-upload-success');
      await pressUpload(el);
      const { response } = await success;
      expect(await sha256(await deliveredBytes(response.secure_url))).toBe(await sha256(data));
    } finally {
      XMLHttpRequest.prototype.send = send;
    }
    expect(calls).toBe(5); // 4 chunks + 1 retry
  });

  test('cancelling mid-upload stops the requests, fires no success and stores nothing', async () => {
    const el = await mount({ 'chunk-size': String(64 * 1024) });
    const before = (await listAssets()).length;
    let successes = 0;
    el.addEventListener('signet-upload-success', () => successes++);
    choose(el, [new File([bytes(3 * 1024 * 1024, 5)], 'cancel-me.bin')]);
    await pressUpload(el);
    await expect.poll(() => el.status).toBe('uploading');
    await new Promise((r) => setTimeout(r, 50));
    el.uppy?.cancelAll();
    await expect.poll(() => el.status).toBe('idle');
    await new Promise((r) => setTimeout(r, 300));
    expect(successes).toBe(0);
    expect((await listAssets()).length).toBe(before);
  });

  test('restrictions come from max-file-size and accept', async () => {
    const el = await mount({ 'max-file-size': '1000', accept: 'image/*,.txt' });
    choose(el, [new File([bytes(2000)], 'big.txt', { type: 'text/plain' })]);
    choose(el, [new File([bytes(10)], 'x.bin', { type: 'application/octet-stream' })]);
    await new Promise((r) => setTimeout(r, 100));
    expect(el.uppy?.getFiles()).toHaveLength(0);
    choose(el, [new File([bytes(10)], 'ok.txt', { type: 'text/plain' })]);
    expect(el.uppy?.getFiles().map((f) => f.name)).toEqual(['ok.txt']);
  });

  test('without multiple only one file is accepted; with multiple and max-files the limit holds', async () => {
    const single = await mount();
    choose(single, [new File(['a'], 'a.txt'), new File(['b'], 'b.txt')]);
    // Two at once exceed the limit of one: Uppy refuses the batch; one alone is then accepted.
    expect(single.uppy?.getFiles()).toHaveLength(0);
    choose(single, [new File(['c'], 'c.txt')]);
    expect(single.uppy?.getFiles().map((f) => f.name)).toEqual(['c.txt']);
    choose(single, [new File(['d'], 'd.txt')]);
    expect(single.uppy?.getFiles().map((f) => f.name)).toEqual(['c.txt']);
    const several = await mount({ multiple: '', 'max-files': '2' });
    choose(several, [new File(['a'], 'a.txt'), new File(['b'], 'b.txt')]);
    choose(several, [new File(['c'], 'c.txt')]);
    expect(several.uppy?.getFiles().map((f) => f.name)).toEqual(['a.txt', 'b.txt']);
  });
});

/** Signs like the server would, with the test's copy of the secret: only to forge a stale-but-valid signature. */
async function signLocally(params: UploadParams) {
  const { apiKey, apiSecret } = server();
  const { stringToSign } = await import('../../src/protocol/params.js');
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(stringToSign(params) + apiSecret));
  const signature = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return { signature, timestamp: Number(params.timestamp), api_key: apiKey };
}
