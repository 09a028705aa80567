import { describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { SignetUploader } from '../../src/uploader/uploader.js';
import { bytes, choose, listAssets, mount, next, pressUpload, signWithServer } from '../helpers/browser.js';

const panel = (el: SignetUploader) => el.shadowRoot?.querySelector('signet-advanced-options') ?? null;
const field = (el: SignetUploader, id: string) =>
  panel(el)?.shadowRoot?.querySelector<HTMLInputElement & HTMLSelectElement>(`#${id}`) ?? null;
const fieldset = (el: SignetUploader) => panel(el)?.shadowRoot?.querySelector('fieldset') ?? null;

async function typeInto(el: SignetUploader, id: string, text: string) {
  const input = field(el, id);
  if (!input) throw new Error(`no field #${id}`);
  await userEvent.fill(input, text);
  await el.updateComplete;
}

async function addTag(el: SignetUploader, tag: string) {
  const input = field(el, 'tags');
  if (!input) throw new Error('no tags field');
  await userEvent.fill(input, tag);
  await userEvent.keyboard('{Enter}');
  await el.updateComplete;
}

describe('advanced options panel', () => {
  test('is hidden unless show-advanced-options; folder and preset fields only when enabled', async () => {
    const plain = await mount();
    expect(panel(plain)).toBeNull();
    const basic = await mount({ 'show-advanced-options': '' });
    await panel(basic)?.updateComplete;
    expect(field(basic, 'public-id')).not.toBeNull();
    expect(field(basic, 'tags')).not.toBeNull();
    expect(field(basic, 'folder')).toBeNull();
    expect(field(basic, 'upload-preset')).toBeNull();
    const full = await mount({ 'show-advanced-options': '', 'show-folder': '', 'show-upload-preset': '' });
    full.getUploadPresets = async () => ['avatars', { name: 'docs', label: 'Documents' }];
    await expect.poll(() => field(full, 'upload-preset')?.options.length).toBe(3);
    expect([...(field(full, 'upload-preset')?.options ?? [])].map((o) => o.textContent)).toEqual([
      'Default',
      'avatars',
      'Documents',
    ]);
  });

  test('typing fires signet-options-change with every value; an invalid public ID shows the rule at once', async () => {
    const el = await mount({ 'show-advanced-options': '', 'show-folder': '' });
    const changes: unknown[] = [];
    el.addEventListener('signet-options-change', (e) => changes.push(e.options));
    await typeInto(el, 'public-id', 'holiday');
    await addTag(el, 'beach');
    await typeInto(el, 'folder', 'trips/2026');
    expect(changes.at(-1)).toEqual({
      publicId: 'holiday',
      folder: 'trips/2026',
      tags: ['beach'],
      uploadPreset: '',
      context: {},
    });
    await typeInto(el, 'public-id', 'bad/../id');
    await panel(el)?.updateComplete;
    expect(field(el, 'public-id')?.getAttribute('aria-invalid')).toBe('true');
    expect(panel(el)?.shadowRoot?.querySelector('#public-id-error')?.textContent).toContain('may use letters');
  });

  test('an invalid public ID keeps files out of the queue and fires signet-batch-cancelled; nothing is sent', async () => {
    const el = await mount({ 'show-advanced-options': '', multiple: '' });
    let signs = 0;
    el.signUpload = async (params) => {
      signs++;
      return signWithServer(params);
    };
    await typeInto(el, 'public-id', 'no?way');
    const cancelled = next(el, 'signet-batch-cancelled');
    choose(el, [new File(['a'], 'a.txt'), new File(['b'], 'b.txt')]);
    const event = await cancelled;
    expect(event.reason).toBe('INVALID_PUBLIC_ID');
    expect(el.uppy?.getFiles()).toHaveLength(0);
    expect(el.status).toBe('idle');
    expect(signs).toBe(0);
  });

  test('locks once files are chosen, with a visible reason, and unlocks when the queue is cleared or uploaded', async () => {
    const el = await mount({ 'show-advanced-options': '' });
    await typeInto(el, 'public-id', 'first');
    choose(el, [new File([bytes(100)], 'one.bin')]);
    await expect.poll(() => fieldset(el)?.disabled).toBe(true);
    expect(panel(el)?.shadowRoot?.querySelector('[part="lock-reason"]')?.textContent).toMatch(/Upload or clear/);
    expect(() => {
      el.publicId = 'other';
    }).toThrowError(expect.objectContaining({ code: 'OPTIONS_LOCKED' }));
    expect(el.publicId).toBe('first');
    el.uppy?.cancelAll();
    await expect.poll(() => fieldset(el)?.disabled).toBe(false);
    el.publicId = 'second';
    choose(el, [new File([bytes(100, 2)], 'two.bin')]);
    await expect.poll(() => fieldset(el)?.disabled).toBe(true);
    const success = next(el, 'signet-upload-success');
    await pressUpload(el);
    expect((await success).response.public_id).toBe('second');
    await expect.poll(() => fieldset(el)?.disabled).toBe(false);
    expect(panel(el)?.shadowRoot?.querySelector('[part="lock-reason"]')).toBeNull();
  });

  test('three files with public ID "trip" are stored as trip_1, trip_2, trip_3 with the chosen tags, folder and preset', async () => {
    const el = await mount({
      'show-advanced-options': '',
      'show-folder': '',
      'show-upload-preset': '',
      multiple: '',
    });
    el.uploadPresets = ['albums'];
    await el.updateComplete;
    const select = field(el, 'upload-preset');
    if (!select) throw new Error('no preset field');
    await userEvent.selectOptions(select, 'albums');
    const folder = `f${Date.now().toString(36)}`;
    await typeInto(el, 'public-id', 'trip');
    await typeInto(el, 'folder', `albums/${folder}`);
    await addTag(el, 'summer');
    await addTag(el, 'family');
    const signed: Record<string, unknown>[] = [];
    const posted: Record<string, string>[] = [];
    el.signUpload = async (params) => {
      signed.push({ ...params });
      return signWithServer(params);
    };
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body) {
      if (body instanceof FormData)
        posted.push(Object.fromEntries([...body.entries()].filter(([k]) => k !== 'file')) as Record<string, string>);
      return send.call(this, body);
    };
    const successes: { publicId: string; tags: string[]; params: unknown }[] = [];
    el.addEventListener('signet-upload-success', (e) =>
      successes.push({ publicId: e.response.public_id, tags: e.response.tags, params: e.params }),
    );
    try {
      choose(el, [
        new File([bytes(10, 1)], 'a.bin'),
        new File([bytes(10, 2)], 'b.bin'),
        new File([bytes(10, 3)], 'c.bin'),
      ]);
      const complete = next(el, 'signet-queue-complete');
      await pressUpload(el);
      expect((await complete).successful).toBe(3);
    } finally {
      XMLHttpRequest.prototype.send = send;
    }
    const ids = successes.map((s) => s.publicId).sort();
    expect(ids).toEqual([1, 2, 3].map((i) => `albums/${folder}/trip_${i}`));
    // The preset's tags join the person's (presets/resolve.ts: tags merge), and its context is stored.
    for (const s of successes) expect([...s.tags].sort()).toEqual(['family', 'from-preset', 'summer']);
    expect(signed.every((p) => p.upload_preset === 'albums')).toBe(true);
    // What the signing endpoint received is exactly what was posted, file by file.
    const withoutAuth = (p: Record<string, string>) => {
      const { api_key: _k, signature: _s, ...rest } = p;
      return rest;
    };
    const normal = (p: Record<string, unknown>) =>
      JSON.stringify(
        Object.entries(p)
          .map(([k, v]) => [k, String(v)])
          .sort(),
      );
    expect(posted.map(withoutAuth).map(normal).sort()).toEqual(signed.map(normal).sort());
    expect(signed.map((p) => p.public_id).sort()).toEqual(['trip_1', 'trip_2', 'trip_3']);
    expect(successes.map((s) => (s.params as { public_id: string }).public_id).sort()).toEqual([
      'trip_1',
      'trip_2',
      'trip_3',
    ]);
    const stored = (await listAssets()).filter((a) => a.public_id.startsWith(`albums/${folder}/`));
    expect(stored.map((a) => a.public_id).sort()).toEqual(ids);
  });

  test('page-level defaults come from attributes: public-id, folder, tags, upload-preset, context', async () => {
    const el = await mount({
      'public-id': 'cover',
      folder: 'books',
      tags: 'a, b',
      'upload-preset': 'covers',
      context: 'alt=Front cover|caption=x\\|y',
    });
    expect(el.options).toEqual({
      publicId: 'cover',
      folder: 'books',
      tags: ['a', 'b'],
      uploadPreset: 'covers',
      context: { alt: 'Front cover', caption: 'x|y' },
    });
  });
});
