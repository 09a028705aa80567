// The widget object Cloudinary's API returns: its methods, the window around the element (modal, minimised, inline),
// what the callback hears about it, and the page-wide parts (the global, setCloudName, the console report).
import { describe, expect, test, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { QueueItem, SuccessInfo } from '../../src/cloudinary-widget/events.js';
import type { CloudinaryGlobal } from '../../src/cloudinary-widget/global.js';
import { installCloudinaryGlobal } from '../../src/cloudinary-widget/stub.js';
import { server } from '../helpers/browser.js';
import { account, api, create, file, signingFunction, upload } from './widget-helpers.js';

const dialogOf = (heard: ReturnType<typeof create>) => heard.widget.element.closest('dialog') as HTMLDialogElement;
const button = (heard: ReturnType<typeof create>, name: string) =>
  dialogOf(heard).querySelector<HTMLButtonElement>(`.signet-cld-${name}`) as HTMLButtonElement;

describe('showing and hiding', () => {
  test('createUploadWidget makes it hidden; open() shows a modal window; the callback hears display-changed', async () => {
    const heard = create(account());
    const dialog = dialogOf(heard);
    expect(dialog.open).toBe(false);
    expect(heard.widget.isShowing()).toBe(false);
    expect(heard.widget.open()).toBe(heard.widget);
    expect(dialog.open && dialog.matches(':modal')).toBe(true);
    expect(heard.widget.isShowing()).toBe(true);
    expect(heard.calls).toEqual([[null, { event: 'display-changed', info: 'shown' }]]);
    expect(heard.widget.element.mode).toBe('inline');
  });

  test('openUploadWidget creates and opens at once', () => {
    const heard = create(account(), 'open');
    expect(dialogOf(heard).open).toBe(true);
    expect(heard.widget.isShowing()).toBe(true);
  });

  test('minimize() becomes a non-modal bar; show() expands it; hide() hides without close', () => {
    const heard = create(account());
    const dialog = dialogOf(heard);
    heard.widget.open().minimize();
    expect(heard.widget.isMinimized()).toBe(true);
    expect(dialog.open && !dialog.matches(':modal')).toBe(true);
    expect(dialog.classList.contains('signet-cld-minimized')).toBe(true);
    heard.widget.show();
    expect(dialog.matches(':modal')).toBe(true);
    heard.widget.hide();
    expect(dialog.open).toBe(false);
    expect(heard.widget.isShowing()).toBe(false);
    expect(heard.infos('display-changed')).toEqual(['shown', 'minimized', 'expanded', 'hidden']);
    expect(heard.events()).not.toContain('close');
  });

  test('the minimize button toggles; queueViewPosition puts the bar on the left', async () => {
    const heard = create({ ...account(), queueViewPosition: 'left:20px' });
    heard.widget.open();
    button(heard, 'minimize').click();
    expect(heard.widget.isMinimized()).toBe(true);
    expect(button(heard, 'minimize').getAttribute('aria-expanded')).toBe('false');
    const box = dialogOf(heard).getBoundingClientRect();
    expect(box.left).toBe(20);
    button(heard, 'minimize').click();
    expect(heard.widget.isMinimized()).toBe(false);
  });

  test('the close button and Escape close it: close event (Cloudinary’s info), display hidden', async () => {
    const heard = create(account());
    heard.widget.open();
    button(heard, 'close').click();
    expect(heard.calls.slice(1)).toEqual([
      [null, { event: 'display-changed', info: 'hidden' }],
      [null, { event: 'close', info: { message: 'user closed the widget' } }],
    ]);
    heard.widget.open();
    await userEvent.keyboard('{Escape}');
    expect(dialogOf(heard).open).toBe(false);
    expect(heard.events().filter((e) => e === 'close')).toHaveLength(2);
  });

  test('close() resets a widget that uploaded (fresh next time); close({quiet: true}) sends no close event', async () => {
    const heard = create(account());
    heard.widget.open();
    await upload(heard, [file('c.bin', 20, 31)]);
    const before = heard.widget.element;
    heard.widget.close({ quiet: true });
    expect(heard.events()).not.toContain('close');
    expect(heard.widget.element).not.toBe(before);
    expect(before.isConnected).toBe(false);
    expect(heard.widget.element.status).toBe('idle');
    // The new element is listened to as the old one was.
    heard.widget.open();
    await upload(heard, [file('d.bin', 20, 32)]);
    expect(heard.infos('success')).toHaveLength(2);
  });

  test('autoMinimize: uploading starts, the window shrinks to its bar, which says it is uploading', async () => {
    const heard = create({ ...account(), autoMinimize: true });
    heard.widget.open();
    await upload(heard, [file('m.bin', 20, 33)]);
    expect(heard.widget.isMinimized()).toBe(true);
    expect(heard.infos('display-changed')).toEqual(['shown', 'minimized']);
    expect(dialogOf(heard).querySelector('.signet-cld-state')?.textContent).toBe('Uploaded');
  });

  test('singleUploadAutoClose: with multiple: false, one uploaded file closes the widget', async () => {
    const heard = create({ ...account(), multiple: false });
    heard.widget.open();
    await upload(heard, [file('single.bin', 20, 34)]);
    await expect.poll(() => heard.events().at(-1)).toBe('close');
    expect(heard.widget.isShowing()).toBe(false);
    const stays = create({ ...account(), multiple: false, singleUploadAutoClose: false });
    stays.widget.open();
    await upload(stays, [file('stays.bin', 20, 35)]);
    expect(stays.widget.isShowing()).toBe(true);
  });

  test('showCompletedButton: after uploads, the button sends show-completed with the completed items', async () => {
    const heard = create({ ...account(), showCompletedButton: true });
    heard.widget.open();
    expect(button(heard, 'completed').hidden).toBe(true);
    await upload(heard, [file('done.bin', 20, 36)]);
    expect(button(heard, 'completed').hidden).toBe(false);
    button(heard, 'completed').click();
    const [shown] = heard.infos<{ items: QueueItem[] }>('show-completed');
    const [success] = heard.infos<SuccessInfo>('success');
    expect(shown?.items).toHaveLength(1);
    expect(shown?.items[0]).toMatchObject({ name: 'done.bin', done: true, progress: 100 });
    expect(shown?.items[0]?.uploadInfo?.public_id).toBe(success?.public_id);
  });

  test('inlineContainer: the widget renders in the page, hidden until open(); no dialog, no minimize', () => {
    const container = document.createElement('div');
    container.id = 'inline-here';
    document.body.append(container);
    const heard = create({ ...account(), inlineContainer: '#inline-here' });
    const root = container.querySelector<HTMLElement>('.signet-cld');
    expect(root?.contains(heard.widget.element)).toBe(true);
    expect(heard.widget.element.closest('dialog')).toBeNull();
    expect(root?.hidden).toBe(true);
    heard.widget.open();
    expect(root?.hidden).toBe(false);
    heard.widget.minimize();
    expect(heard.widget.isMinimized()).toBe(false);
    container.remove();
  });

  test('inlineContainer that names nothing throws, as Cloudinary’s does', () => {
    expect(() => api.createUploadWidget({ ...account(), inlineContainer: '#nowhere' })).toThrow(/inlineContainer/);
  });
});

describe('update and destroy', () => {
  test('update() changes options for the next upload, not uploadSignature; it resolves with the widget', async () => {
    const calledWith: string[] = [];
    const heard = create({ ...account(), tags: ['first'] });
    const result = await heard.widget.update({
      tags: ['second'],
      folder: 'updated',
      uploadSignature: () => calledWith.push('replaced'),
    });
    expect(result).toBe(heard.widget);
    await upload(heard, [file('u.bin', 20, 37)]);
    expect(heard.infos<SuccessInfo>('success')[0]).toMatchObject({ tags: ['second'], folder: 'updated' });
    expect(calledWith).toEqual([]);
  });

  test('destroy() removes the window and its element; every method is then a no-op', async () => {
    const heard = create(account());
    heard.widget.open();
    const dialog = dialogOf(heard);
    await heard.widget.destroy();
    expect(dialog.isConnected).toBe(false);
    expect(heard.widget.isDestroyed()).toBe(true);
    expect(heard.widget.isShowing()).toBe(false);
    heard.widget.open();
    expect(dialog.isConnected).toBe(false);
  });
});

describe('look and words', () => {
  test('styles.palette sets the element’s colours (its Upload button follows); frame.background the backdrop', async () => {
    const heard = create({
      ...account(),
      styles: {
        palette: { action: '#FF620C', window: '#FFFFF0', textDark: '#101010' },
        frame: { background: '0E2F5B99' },
      },
    });
    const el = heard.widget.element;
    heard.widget.open();
    await el.ready;
    const style = getComputedStyle(el);
    expect(style.getPropertyValue('--signet-accent').trim()).toBe('#FF620C');
    expect(style.getPropertyValue('--signet-background').trim()).toBe('#FFFFF0');
    expect(getComputedStyle(dialogOf(heard), '::backdrop').backgroundColor).toBe('rgba(14, 47, 91, 0.6)');
    const { choose, uploadButton } = await import('../helpers/browser.js');
    choose(el, [file('p.bin', 10, 38)]);
    await expect
      .poll(() => uploadButton(el) && getComputedStyle(uploadButton(el) as Element).backgroundColor)
      .toBe('rgb(255, 98, 12)');
  });

  test('language picks the element’s language; text renames the window and Uppy’s words', async () => {
    const heard = create({
      ...account(),
      sources: ['local'],
      language: 'de',
      text: { de: { queue: { title: 'Dateien hochladen' }, local: { dd_title_multi: 'Dateien hierher' }, or: 'oder' } },
    });
    const el = heard.widget.element;
    heard.widget.open();
    await el.ready;
    expect(el.locale).toBe('de');
    expect(dialogOf(heard).querySelector('.signet-cld-title')?.textContent).toBe('Dateien hochladen');
    await expect
      .poll(() => el.shadowRoot?.querySelector('.uppy-Dashboard-AddFiles-title')?.textContent ?? '')
      .toMatch(/^Dateien hierher oder /);
  });

  test('options it cannot honour are reported once in the console, by name', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    create({
      ...account(),
      croppingShowDimensions: true,
      sources: ['local', 'unsplash'],
      styles: { fonts: { Inter: 'https://f' } },
    });
    create({ ...account(), croppingShowDimensions: true, sources: ['local', 'unsplash'] });
    const said = warn.mock.calls.map((args) => String(args[0]));
    warn.mockRestore();
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('croppingShowDimensions');
    expect(said[0]).toContain('sources: unsplash');
    expect(said[0]).toContain('styles.fonts');
    expect(said[0]).not.toContain('cloudName');
  });
});

describe('the global', () => {
  test('window.cloudinary is extended, not replaced: an SDK’s members stay', () => {
    const sdk = { url: (id: string) => `u/${id}` };
    const target: { cloudinary?: object } = { cloudinary: sdk };
    const installed = installCloudinaryGlobal(target) as CloudinaryGlobal;
    expect(target.cloudinary).toBe(sdk);
    expect(sdk.url('x')).toBe('u/x');
    expect(typeof installed.createUploadWidget).toBe('function');
    expect(typeof installed.openUploadWidget).toBe('function');
    expect(typeof installed.applyUploadWidget).toBe('function');
    const fresh: { cloudinary?: object } = {};
    expect(installCloudinaryGlobal(fresh)).toBe(fresh.cloudinary);
  });

  test('the script tag’s global answers at once, loads the drop-in on first use and replays what was called meanwhile', async () => {
    const { url, cloudName, apiKey } = server();
    const target: { cloudinary?: object } = {};
    const global = installCloudinaryGlobal(target) as CloudinaryGlobal;
    // Refused synchronously, as Cloudinary's widget does.
    expect(() => global.createUploadWidget({ inlineContainer: '#nothing-here' })).toThrow(/inlineContainer/);
    expect(() => global.applyUploadWidget('#nothing-here', {})).toThrow(/element/);
    global.setCloudName(cloudName);
    global.setAPIKey(apiKey);
    const calls: unknown[] = [];
    const widget = global.createUploadWidget({ uploadUrl: url, uploadSignature: signingFunction() }, (_e, result) =>
      calls.push(result.event),
    );
    // Called before the drop-in has loaded: nothing is lost.
    expect(widget.open()).toBe(widget);
    expect(widget.isShowing()).toBe(false);
    await expect.poll(() => widget.isShowing()).toBe(true);
    expect(calls[0]).toBe('display-changed');
    expect(widget.element?.closest('dialog')?.open).toBe(true);
    const heard = { widget, calls: [], events: () => calls as string[], infos: () => [] } as unknown as ReturnType<
      typeof create
    >;
    await upload(heard, [file('lazy.bin', 20, 41)]);
    expect(calls).toContain('success');
    await widget.destroy();
    expect(widget.isDestroyed()).toBe(true);
    expect(widget.element?.isConnected).toBe(false);
  });

  test('setCloudName and setAPIKey stand in for options that name neither', async () => {
    const { url, cloudName, apiKey } = server();
    // A page served by a non-Signet host would get no /api/config answer: these are then the only source.
    const global = (await import('../../src/cloudinary-widget/global.js')).cloudinaryGlobal();
    global.setCloudName(cloudName);
    global.setAPIKey(apiKey);
    const calls: unknown[] = [];
    const widget = global.createUploadWidget({ uploadUrl: url, uploadSignature: signingFunction() }, (_e, result) =>
      calls.push(result.event),
    );
    const heard = { widget, calls: [], events: () => calls as string[], infos: () => [] } as unknown as ReturnType<
      typeof create
    >;
    await upload(heard, [file('g.bin', 20, 39)]);
    expect(calls).toContain('success');
    await widget.destroy();
  });
});
