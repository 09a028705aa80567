// Pages written for Cloudinary's widget, against the reference server: each way of signing, each upload option, and
// what the callback hears, with the bytes the server stored. Real Chromium, real server.
import { describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { QueueItem, SuccessInfo } from '../../src/cloudinary-widget/events.js';
import type { UploadParams } from '../../src/protocol/params.js';
import { bytes, listAssets, results, server, signWithServer } from '../helpers/browser.js';
import { account, create, delivered, file, signingFunction, upload } from './widget-helpers.js';

describe('signing', () => {
  test('uploadSignature as a function: it gets the snake_case parameters with source=uw and the timestamp to sign', async () => {
    const seen: Record<string, unknown>[] = [];
    const heard = create({ ...account(), uploadSignature: signingFunction(seen), folder: 'fn', tags: ['a', 'b'] });
    const data = file('fn.bin', 700, 3);
    await upload(heard, [data]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({ folder: 'fn', tags: 'a,b', source: 'uw', timestamp: expect.any(Number) });
    const [info] = heard.infos<SuccessInfo>('success');
    expect(info).toMatchObject({ folder: 'fn', tags: ['a', 'b'], bytes: 700 });
    expect(await delivered(info?.secure_url ?? '')).toEqual(bytes(700, 3));
  });

  test('uploadSignature as a string made at page load, with uploadSignatureTimestamp', async () => {
    const timestamp = Math.floor(Date.now() / 1000) - 5;
    // What the official example's server does: sign {timestamp, source: 'uw', folder} once, for the page.
    const signed = await signWithServer({ timestamp, source: 'uw', folder: 'signed_upload_demo_uw' });
    const { cloudName, apiKey, url } = server();
    const heard = create({
      cloudName,
      apiKey,
      uploadUrl: url,
      uploadSignature: signed.signature,
      uploadSignatureTimestamp: timestamp,
      folder: 'signed_upload_demo_uw',
    });
    await upload(heard, [file('string.bin', 500, 4)]);
    const [info] = heard.infos<SuccessInfo>('success');
    expect(info?.folder).toBe('signed_upload_demo_uw');
    expect(info?.public_id).toMatch(/^signed_upload_demo_uw\//);
  });

  test('prepareUploadParams sets parameters and signs them; its answer may be an array', async () => {
    const heard = create({
      ...account(),
      uploadSignature: undefined,
      prepareUploadParams: (cb: (answer: unknown) => void, params: Record<string, unknown>) => {
        const final = { ...params, public_id: 'prepared/photo', tags: 'from-prepare', context: 'alt=A photo' };
        void signWithServer(final).then((s) =>
          cb([
            {
              publicId: 'prepared/photo',
              tags: ['from-prepare'],
              context: { alt: 'A photo' },
              signature: s.signature,
              apiKey: s.api_key,
              uploadSignatureTimestamp: s.timestamp,
            },
          ]),
        );
      },
    });
    await upload(heard, [file('p.bin', 400, 5)]);
    expect(heard.infos<SuccessInfo>('success')[0]).toMatchObject({
      public_id: 'prepared/photo',
      tags: ['from-prepare'],
      context: { custom: { alt: 'A photo' } },
    });
  });

  test('prepareUploadParams cancelling a file: it is refused, nothing is stored, the callback hears the error', async () => {
    const before = (await listAssets()).length;
    const heard = create({
      ...account(),
      prepareUploadParams: (cb: (answer: unknown) => void) => cb({ cancel: true }),
    });
    await upload(heard, [file('no.bin', 200, 6)]);
    const [error, result] = heard.calls.find(([e]) => e !== null) ?? [];
    expect(error).toMatchObject({ code: 'RESTRICTED', status: expect.any(String), statusText: expect.any(String) });
    expect(result).toMatchObject({ event: 'error', info: { name: 'no.bin', code: 'RESTRICTED' } });
    expect(heard.events()).not.toContain('success');
    expect((await listAssets()).length).toBe(before);
  });

  test('snake_case options work as Cloudinary’s loader reads them', async () => {
    const { url, cloudName, apiKey } = server();
    const heard = create({
      cloud_name: cloudName,
      api_key: apiKey,
      upload_url: url,
      upload_signature: signingFunction(),
      public_id: 'snake-case-id',
    });
    await upload(heard, [file('s.bin', 100, 7)]);
    expect(heard.infos<SuccessInfo>('success')[0]?.public_id).toBe('snake-case-id');
  });
});

describe('upload options', () => {
  test('folder, tags, publicId and context go with the file; the stored asset has them', async () => {
    const heard = create({
      ...account(),
      folder: 'opts',
      tags: ['x', 'y'],
      publicId: 'named',
      context: { alt: 'Alt text', caption: 'Hi' },
    });
    await upload(heard, [file('o.bin', 321, 8)]);
    const [info] = heard.infos<SuccessInfo>('success');
    expect(info).toMatchObject({
      public_id: 'opts/named',
      folder: 'opts',
      tags: ['x', 'y'],
      context: { custom: { alt: 'Alt text', caption: 'Hi' } },
      bytes: 321,
    });
  });

  test('resourceType chooses the upload URL’s resource type', async () => {
    const heard = create({ ...account(), resourceType: 'raw' });
    await upload(heard, [file('r.bin', 150, 9)]);
    expect(heard.infos<SuccessInfo>('success')[0]?.resource_type).toBe('raw');
  });

  test('maxChunkSize: a larger file goes in chunks of that size, and arrives whole', async () => {
    const heard = create({ ...account(), maxChunkSize: 1000 });
    const requests = () =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.name.startsWith(`${server().url}/v1_1/`) && e.name.endsWith('/upload')).length;
    const before = requests();
    await upload(heard, [file('chunked.bin', 3500, 10)]);
    const [info] = heard.infos<SuccessInfo>('success');
    expect(await delivered(info?.secure_url ?? '')).toEqual(bytes(3500, 10));
    expect(requests() - before).toBe(4);
  });

  test('maxFileSize and clientAllowedFormats refuse files before any byte is sent', async () => {
    const before = (await listAssets()).length;
    const heard = create({ ...account(), maxFileSize: 1000, clientAllowedFormats: ['png', 'bin'] });
    await heard.widget.element.ready;
    const { choose } = await import('../helpers/browser.js');
    choose(heard.widget.element, [file('big.bin', 2000, 11), file('doc.txt', 10, 12)]);
    await expect
      .poll(() => results(heard.widget.element).map((r) => [r.name, r.status]))
      .toEqual([
        ['big.bin', 'refused'],
        ['doc.txt', 'refused'],
      ]);
    expect(heard.widget.element.accept).toBe('.png,.bin');
    expect((await listAssets()).length).toBe(before);
  });

  test('multiple: several files by default; multiple: false takes one', async () => {
    expect(create(account()).widget.element.multiple).toBe(true);
    expect(create({ ...account(), multiple: false }).widget.element.multiple).toBe(false);
  });
});

describe('events', () => {
  test('one run: upload-added per file, queues-start, success per file with Cloudinary’s fields, queues-end', async () => {
    const heard = create(account());
    await upload(heard, [file('one.bin', 100, 13), file('two.bin', 200, 14)]);
    const events = heard.events().filter((e) => e !== 'display-changed');
    expect(events.slice(0, 3)).toEqual(['upload-added', 'upload-added', 'queues-start']);
    expect(events.slice(3)).toEqual(['success', 'success', 'queues-end']);
    const added = heard.infos<{ file: { name: string; size: number }; publicId: string }>('upload-added');
    expect(added.map((a) => [a.file.name, a.file.size])).toEqual([
      ['one.bin', 100],
      ['two.bin', 200],
    ]);
    const successes = heard.infos<SuccessInfo>('success');
    for (const info of successes) {
      // Cloudinary's `path` is what follows /upload/ in the delivery URL.
      expect(info.secure_url.endsWith(`/upload/${info.path}`)).toBe(true);
      expect(info.path).toMatch(/^v\d+\//);
      expect(added.map((a) => a.publicId)).toContain(info.id);
      expect(info.batchId).toBe(successes[0]?.batchId);
    }
    const [end] = heard.infos<{ files: QueueItem[] }>('queues-end');
    expect(end?.files.map((f) => [f.name, f.done, f.failed]).sort()).toEqual([
      ['one.bin', true, false],
      ['two.bin', true, false],
    ]);
    expect(end?.files.map((f) => f.uploadInfo?.public_id).sort()).toEqual(successes.map((s) => s.public_id).sort());
  });

  test('abort: the person cancels the run ({all: true}) or removes one uploading file ({all: false})', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const heard = create({
      ...account(),
      uploadSignature: (cb: (s: string) => void, params: Record<string, unknown>) =>
        void held.then(() => signWithServer(params as UploadParams)).then((s) => cb(s.signature)),
    });
    const el = heard.widget.element;
    const { uppy } = await el.ready;
    const { choose, pressUpload } = await import('../helpers/browser.js');
    choose(el, [file('a.bin', 10, 15), file('b.bin', 10, 16), file('c.bin', 10, 17)]);
    await pressUpload(el);
    await expect.poll(() => heard.events()).toContain('queues-start');
    const [first, ...rest] = uppy.getFiles();
    uppy.removeFile(first?.id ?? '');
    expect(heard.infos('abort')).toEqual([{ ids: [first?.id], all: false }]);
    uppy.cancelAll();
    const [, all] = heard.infos<{ ids: string[]; all: boolean }>('abort');
    expect(all?.all).toBe(true);
    expect(all?.ids.sort()).toEqual(rest.map((f) => f.id).sort());
    release();
  });

  test('retry: one file ({all: false}) or every failed one ({all: true}), after a failure a retry can cure', async () => {
    let failing = true;
    const heard = create({
      ...account(),
      uploadSignature: (cb: (s: string) => void, params: Record<string, unknown>) => {
        if (failing) throw new Error('signing service down');
        void signWithServer(params as UploadParams).then((s) => cb(s.signature));
      },
    });
    await upload(heard, [file('r1.bin', 10, 18), file('r2.bin', 10, 19)]);
    expect(heard.calls.filter(([e]) => e?.code === 'SIGNING_FAILED')).toHaveLength(2);
    const { uppy } = await heard.widget.element.ready;
    failing = false;
    const [one] = uppy.getFiles();
    await uppy.retryUpload(one?.id ?? '');
    expect(heard.infos('retry')).toEqual([{ ids: [one?.id], all: false }]);
    await uppy.retryAll();
    expect(heard.infos('retry')[1]).toMatchObject({ all: true, ids: [expect.any(String)] });
    await expect.poll(() => heard.infos('success').length).toBe(2);
  });

  test('batch-cancelled: more files than maxFiles (MAX_EXCEEDED), an invalid publicId (INVALID_PUBLIC_ID)', async () => {
    const { choose } = await import('../helpers/browser.js');
    const many = create({ ...account(), maxFiles: 1 });
    await many.widget.element.ready;
    choose(many.widget.element, [file('1.bin', 10, 20), file('2.bin', 10, 21)]);
    await expect.poll(() => many.infos('batch-cancelled')).toEqual([{ reason: 'MAX_EXCEEDED' }]);
    const bad = create({ ...account(), publicId: 'bad/../id' });
    await bad.widget.element.ready;
    choose(bad.widget.element, [file('3.bin', 10, 22)]);
    await expect
      .poll(() => bad.infos('batch-cancelled'))
      .toEqual([{ reason: 'INVALID_PUBLIC_ID', message: expect.stringContaining('public ID') }]);
  });

  test('publicid and tags: what the person types in the advanced options', async () => {
    const heard = create({ ...account(), showAdvancedOptions: true });
    const el = heard.widget.element;
    heard.widget.open();
    await el.updateComplete;
    const panel = el.shadowRoot?.querySelector('signet-advanced-options');
    await panel?.updateComplete;
    const input = (id: string) => panel?.shadowRoot?.querySelector<HTMLInputElement>(`#${id}`) as HTMLInputElement;
    await userEvent.fill(input('public-id'), 'beach');
    await userEvent.fill(input('tags'), 'summer');
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => heard.infos('publicid').at(-1)).toEqual({ id: 'beach' });
    await expect.poll(() => heard.infos('tags').at(-1)).toEqual({ tags: ['summer'] });
  });

  test('getTags(cb, prefix) suggests tags; getUploadPresets(cb) offers presets in the advanced options', async () => {
    const prefixes: string[] = [];
    const heard = create({
      ...account(),
      showAdvancedOptions: true,
      getTags: (cb: (tags: string[]) => void, prefix: string) => {
        prefixes.push(prefix);
        cb(['dog', 'door', 'cat'].filter((t) => t.startsWith(prefix)));
      },
      getUploadPresets: (cb: (presets: string[]) => void) => cb(['albums']),
    });
    const el = heard.widget.element;
    heard.widget.open();
    await el.updateComplete;
    const panel = el.shadowRoot?.querySelector('signet-advanced-options');
    await panel?.updateComplete;
    const root = () => panel?.shadowRoot;
    await userEvent.fill(root()?.querySelector<HTMLInputElement>('#tags') as HTMLInputElement, 'do');
    await expect
      .poll(() => [...(root()?.querySelectorAll('datalist option') ?? [])].map((o) => o.getAttribute('value')))
      .toEqual(['dog', 'door']);
    expect(prefixes).toContain('do');
    await expect
      .poll(() => [...(root()?.querySelector<HTMLSelectElement>('#upload-preset')?.options ?? [])].map((o) => o.value))
      .toEqual(['', 'albums']);
  });

  test('source-changed: the person (or open(source)) switches to the link tab and back', async () => {
    const heard = create(account());
    heard.widget.open('url');
    await expect.poll(() => heard.infos('source-changed')).toEqual([{ source: 'url' }]);
    const { dashboard } = await heard.widget.element.ready;
    dashboard.hideAllPanels();
    await expect.poll(() => heard.infos('source-changed')).toEqual([{ source: 'url' }, { source: 'local' }]);
  });

  test('open(source, {files}) adds the files at once', async () => {
    const heard = create(account());
    heard.widget.open(null, { files: [file('given.bin', 50, 23)] });
    await expect
      .poll(() => heard.infos<{ file: { name: string } }>('upload-added').map((i) => i.file.name))
      .toEqual(['given.bin']);
  });

  test('preBatch sees the batch before any byte is sent: {cancel: true} stops it, nothing is stored', async () => {
    const before = (await listAssets()).length;
    const batches: unknown[] = [];
    const heard = create({
      ...account(),
      preBatch: (cb: (verdict?: { cancel?: boolean }) => void, data: { files: unknown[] }) => {
        batches.push(data);
        cb({ cancel: true });
      },
    });
    const el = heard.widget.element;
    await el.ready;
    const { choose, pressUpload } = await import('../helpers/browser.js');
    choose(el, [file('TopSecret', 40, 24)]);
    await pressUpload(el);
    await expect.poll(() => batches).toEqual([{ files: [{ name: 'TopSecret', size: 40, type: expect.any(String) }] }]);
    await expect.poll(() => el.uppy?.getFiles().length).toBe(0);
    expect(heard.events()).not.toContain('success');
    expect((await listAssets()).length).toBe(before);
  });

  test('preBatch letting the batch go: it uploads', async () => {
    const heard = create({ ...account(), preBatch: (cb: () => void) => cb() });
    await upload(heard, [file('ok.bin', 40, 25)]);
    expect(heard.events()).toContain('success');
  });
});
