// The S3 backend in real Chromium: real @uppy/aws-s3 6 sending to radosgw with URLs the reference server presigns,
// the server registering each file (S3 storage, PostgreSQL catalogue; started by server/test/services-setup.ts).
import Uppy, { type Body, type Meta } from '@uppy/core';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { commands } from 'vitest/browser';
import { installS3Backend, parallelizeParts, type S3BackendOptions } from '../../src/backends/s3.js';
import { checkSigned } from '../../src/backends/signer.js';
import { UploadError } from '../../src/errors.js';
import type { UploadApiResponse, UploadParams } from '../../src/protocol/params.js';

const MiB = 1024 * 1024;
const s3Server = () => inject('s3Server');
const auth = () => ({ authorization: `Bearer ${s3Server().token}` });

async function signWithServer(params: UploadParams) {
  const response = await fetch(`${s3Server().url}/api/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth() },
    body: JSON.stringify(params),
  });
  if (!response.ok) throw new Error(`sign failed: ${response.status} ${await response.text()}`);
  return checkSigned(await response.json(), 'sign failed');
}

/** A 40×30 PNG's header (signature, IHDR, IDAT: what detection reads), then pseudo-random bytes up to `size`. */
function pngFile(size: number, name: string, seed = 7): File {
  const data = new Uint8Array(size);
  // biome-ignore format: the PNG signature, an IHDR chunk for 40×30 8-bit RGB, an empty IDAT chunk
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 40, 0, 0, 0, 30, 8, 2, 0, 0, 0, 0xd1, 0xbf, 0xcb, 0x8a, 0, 0, 0, 0, 0x49, 0x44, 0x41, 0x54, 0x35, 0xaf, 0x06, 0x1e]);
  let x = seed;
  for (let i = 45; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  return new File([data], name, { type: 'image/png' });
}

async function sha256(data: Blob | ArrayBuffer): Promise<string> {
  const buffer = data instanceof Blob ? await data.arrayBuffer() : data;
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function openUploads(): Promise<number> {
  const xml = await (await fetch(s3Server().listUploadsUrl)).text();
  return (xml.match(/<Upload>/g) ?? []).length;
}

const uppies: Uppy<Meta, Body>[] = [];
afterEach(() => {
  for (const uppy of uppies.splice(0)) uppy.destroy();
});

function setup(options: Partial<S3BackendOptions> = {}) {
  const uppy = new Uppy<Meta, Body>({ autoProceed: false });
  uppies.push(uppy);
  const backend = installS3Backend(uppy, {
    serverUrl: s3Server().url,
    sign: signWithServer,
    headers: auth,
    credentials: 'omit',
    partSize: 5 * MiB,
    parallelParts: 4,
    ...options,
  });
  return { uppy, backend };
}

describe('the S3 backend (@uppy/aws-s3 → radosgw, presigned by the reference server)', () => {
  test('uploads 1 MiB in one PUT and 12 MiB in three parallel parts; bytes equal, rows present, delivery works', async () => {
    const { uppy } = setup({ params: (file) => ({ public_id: `browser/${file.name?.replace('.png', '')}` }) });
    const small = pngFile(MiB, 'small.png', 3);
    const large = pngFile(12 * MiB, 'large.png', 5);
    uppy.addFile({ name: small.name, type: small.type, data: small });
    uppy.addFile({ name: large.name, type: large.type, data: large });
    const signs: { method: string; partNumber?: number }[] = [];
    const original = window.fetch;
    window.fetch = async (input, init) => {
      if (String(input).endsWith('/api/s3/sign')) signs.push(JSON.parse(String(init?.body)));
      return original(input, init);
    };
    performance.clearResourceTimings();
    let result: Awaited<ReturnType<typeof uppy.upload>>;
    try {
      result = await uppy.upload();
    } finally {
      window.fetch = original;
    }
    expect(result?.failed).toEqual([]);
    const bodies = (result?.successful ?? []).map((file) => file.response?.body as unknown as UploadApiResponse);
    expect(bodies.map((body) => body.public_id).sort()).toEqual(['browser/large', 'browser/small']);

    // One PUT for the small file; create, three parts and complete for the large one.
    expect(signs.filter((s) => s.method === 'PUT' && s.partNumber === undefined)).toHaveLength(1);
    expect(signs.filter((s) => s.partNumber !== undefined).map((s) => s.partNumber)).toEqual([1, 2, 3]);
    expect(signs.filter((s) => s.method === 'POST')).toHaveLength(2);

    // The three part PUTs overlapped in time (parallel, not one after another).
    const parts = performance
      .getEntriesByType('resource')
      .filter((entry) => /[?&]partNumber=\d/.test(entry.name)) as PerformanceResourceTiming[];
    expect(parts).toHaveLength(3);
    const [first, second] = parts.sort((a, b) => a.startTime - b.startTime);
    expect(second?.startTime).toBeLessThan(first?.responseEnd ?? 0);

    for (const [file, body] of [
      [small, bodies.find((b) => b.public_id === 'browser/small')],
      [large, bodies.find((b) => b.public_id === 'browser/large')],
    ] as const) {
      expect(body).toMatchObject({ format: 'png', width: 40, height: 30, bytes: file.size, resource_type: 'image' });
      const delivered = await fetch(body?.secure_url as string);
      expect(delivered.status).toBe(200);
      expect(await sha256(await delivered.arrayBuffer())).toBe(await sha256(file));
    }
    const listed = (await (await fetch(`${s3Server().url}/api/assets`, { headers: auth() })).json()) as {
      resources: { public_id: string }[];
    };
    expect(listed.resources.map((asset) => asset.public_id)).toEqual(
      expect.arrayContaining(['browser/small', 'browser/large']),
    );
    expect(await openUploads()).toBe(0);
  });

  test('a cancelled multipart upload leaves no multipart upload open', async () => {
    const { uppy } = setup();
    const big = pngFile(40 * MiB, 'cancelled.png', 11);
    const id = uppy.addFile({ name: big.name, type: big.type, data: big });
    const started = new Promise<void>((resolve) => {
      uppy.on('upload-progress', (file, progress) => {
        if (file?.id === id && (progress.bytesUploaded ?? 0) > 0) resolve();
      });
    });
    const upload = uppy.upload();
    await started;
    // Paused: the parts in flight stop but the multipart upload stays open, so there is something to cancel.
    uppy.pauseResume(id);
    await expect.poll(openUploads, { timeout: 10_000 }).toBe(1);
    uppy.cancelAll();
    await expect.poll(openUploads, { timeout: 10_000 }).toBe(0);
    await upload.catch(() => {});
  });

  test('a file over the size limit is refused by the server before any byte is sent, as FILE_TOO_LARGE', async () => {
    const { uppy } = setup();
    const tooBig = new File([new Uint8Array(64 * MiB + 1)], 'huge.bin');
    uppy.addFile({ name: tooBig.name, type: tooBig.type, data: tooBig });
    const errors: unknown[] = [];
    uppy.on('upload-error', (_file, error) => errors.push(error));
    const result = await uppy.upload();
    expect(result?.successful).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(UploadError);
    expect((errors[0] as UploadError).code).toBe('FILE_TOO_LARGE');
  });
});

describe('parallelizeParts (the shim over @uppy/aws-s3 6.3’s sequential parts)', () => {
  function fakeClient(failOnce?: number) {
    let fail = failOnce;
    let inFlight = 0;
    let most = 0;
    const completed: { partNumber: number; etag: string }[][] = [];
    const client = {
      async uploadPart({ partNumber }: { partNumber: number }) {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        if (partNumber === fail) {
          fail = undefined;
          throw new Error(`part ${partNumber} failed`);
        }
        return { etag: `"etag-${partNumber}"` };
      },
      async completeMultipartUpload({
        parts,
      }: {
        key: string;
        uploadId: string;
        parts: { partNumber: number; etag: string }[];
      }) {
        completed.push(parts);
        return {};
      },
      async listParts(_params: { key: string; uploadId: string }) {
        return [];
      },
    };
    return { client, completed, most: () => most };
  }

  async function sequentialCaller(client: ReturnType<typeof fakeClient>['client'], parts: number) {
    // What S3Uploader#uploadRemainingParts does: await each part, then complete with the ETags it got.
    const etags: { partNumber: number; etag: string }[] = [];
    for (let partNumber = 1; partNumber <= parts; partNumber++) {
      const { etag } = await client.uploadPart({ key: 'k', uploadId: 'u', partNumber, data: new Blob(['x']) } as never);
      etags.push({ partNumber, etag });
    }
    await client.completeMultipartUpload({ key: 'k', uploadId: 'u', parts: etags });
  }

  test('keeps up to N parts in flight and completes with the real ETags', async () => {
    const fake = fakeClient();
    parallelizeParts(fake.client as never, 3);
    await sequentialCaller(fake.client, 7);
    expect(fake.most()).toBe(3);
    expect(fake.completed).toEqual([
      Array.from({ length: 7 }, (_, i) => ({ partNumber: i + 1, etag: `"etag-${i + 1}"` })),
    ]);
  });

  test('a failed part fails the upload; a resume (listParts) starts afresh and completes', async () => {
    const fake = fakeClient(2);
    parallelizeParts(fake.client as never, 4);
    await expect(sequentialCaller(fake.client, 5)).rejects.toThrow('part 2 failed');
    expect(fake.completed).toEqual([]);
    await fake.client.listParts({ key: 'k', uploadId: 'u' });
    await sequentialCaller(fake.client, 5);
    expect(fake.completed).toHaveLength(1);
    expect(fake.completed[0]?.map((part) => part.etag)).toEqual([1, 2, 3, 4, 5].map((n) => `"etag-${n}"`));
  });
});

describe('network cuts on the way to the bucket (a cutting proxy in front of radosgw)', () => {
  test('a multipart upload cut at 30 %, then without network for 3 s at 60 %, goes on part by part: same bytes, sent about once', async () => {
    const { uppy } = setup({
      parallelParts: 2,
      // @uppy/aws-s3 alone gives up after three tries within about two seconds; this policy outlasts the outage.
      retry: { attempts: 8, baseMs: 200, maxMs: 1000 },
      params: () => ({ public_id: `browser/cut-${crypto.randomUUID().slice(0, 8)}` }),
    });
    const size = 24 * MiB;
    const file = pngFile(size, 'cut.png', 17);
    uppy.addFile({ name: file.name, type: file.type, data: file });
    const proxy = s3Server().bucketProxy;
    const before = await commands.proxyStats(proxy);
    await commands.proxyCutAfter(proxy, [Math.round(size * 0.3)]);
    await commands.proxyDownAfter(proxy, Math.round(size * 0.6));
    const outage = (async () => {
      await expect.poll(async () => (await commands.proxyStats(proxy)).fired.length - before.fired.length).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await commands.proxyDown(proxy, false);
    })();

    const result = await uppy.upload();
    await outage;

    expect(result?.failed).toEqual([]);
    const body = result?.successful?.[0]?.response?.body as unknown as UploadApiResponse;
    expect(body.bytes).toBe(size);
    expect(await sha256(await (await fetch(body.secure_url)).arrayBuffer())).toBe(await sha256(file));
    const after = await commands.proxyStats(proxy);
    expect(after.fired.length - before.fired.length).toBe(2);
    // Each cut costs at most the parts in flight (2 × 5 MiB), never the file: starting over would send ≥ 1.3×.
    expect(after.sent - before.sent).toBeLessThan(size + 4 * 5 * MiB);
    expect(await openUploads()).toBe(0);
  });
});
