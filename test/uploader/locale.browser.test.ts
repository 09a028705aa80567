// Languages and direction: our words and Uppy's in the language asked for (loaded on demand), errors told by code in
// that language, numbers and sizes written for it, and a right-to-left layout that mirrors.
import { describe, expect, test } from 'vitest';
import { ar } from '../../src/locales/ar.js';
import { de } from '../../src/locales/de.js';
import { en } from '../../src/locales/en.js';
import { fr } from '../../src/locales/fr.js';
import type { SignetUploader } from '../../src/uploader/uploader.js';
import {
  bytes,
  choose,
  mount,
  next,
  pressUpload,
  results,
  server,
  summaryText,
  uploadButton,
} from '../helpers/browser.js';

const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
const dropZone = (el: SignetUploader) => text(el.shadowRoot?.querySelector('.uppy-Dashboard-AddFiles-title'));
const note = (el: SignetUploader) => text(el.shadowRoot?.querySelector('.uppy-Dashboard-note'));
const file = (name: string, seed: number) => new File([bytes(300, seed)], name);

async function uploadAll(el: SignetUploader, files: File[]) {
  choose(el, files);
  const done = next(el, 'signet-queue-complete');
  await pressUpload(el);
  await done;
}

describe('locale', () => {
  test('locale="de": our words and Uppy’s (its published German pack) are German, from the first render of Uppy', async () => {
    const el = await mount({ locale: 'de', 'max-file-size': '1500000' });
    expect(dropZone(el)).toBe('Dateien hier ablegen/einfügen oder Dateien durchsuchen');
    // Our limits line, the size written the German way.
    expect(note(el)).toBe('Alle Dateitypen · Bis 1,5 MB je Datei · Eine Datei');
    choose(el, [file('bericht.bin', 1)]);
    await expect.poll(() => uploadButton(el)?.textContent?.trim()).toBe('Eine Datei hochladen');
    const done = next(el, 'signet-queue-complete');
    await pressUpload(el);
    await done;
    await expect.poll(() => summaryText(el)).toBe('Hochgeladen: 1');
    expect(results(el)[0]?.state).toBe(de.outcomes.uploaded);
    // The dashboard's name for assistive technology is ours, without a product name.
    expect(el.shadowRoot?.querySelector('.uppy-Dashboard')?.getAttribute('aria-label')).toBe(de.uppy.dashboardTitle);
  });

  test('changing locale on a running element switches both our words and Uppy’s', async () => {
    const el = await mount({ 'max-file-size': '1500000' });
    expect(dropZone(el)).toBe('Drop files here or browse files');
    expect(note(el)).toBe('Any type of file · Up to 1.5 MB each · One file');
    el.locale = 'fr';
    await expect.poll(() => dropZone(el)).toBe('Déposez les fichiers ici, collez-les ou parcourez vos fichiers');
    await expect.poll(() => note(el)).toBe('Tout type de fichier · Jusqu’à 1,5 Mo chacun · Un seul fichier');
  });

  test('without a locale the lang around the element decides', async () => {
    const wrapper = document.createElement('div');
    wrapper.lang = 'fr-CA';
    const el = await mount({ multiple: '', 'max-files': '1200', 'max-file-size': '1500000' }, wrapper);
    // fr-CA writes a thousands separator as a (non-breaking) space.
    await expect.poll(() => note(el)).toBe(`${fr.limits.anyType} · Jusqu’à 1,5 Mo chacun · Jusqu’à 1 200 fichiers`);
    expect(el.shadowRoot?.querySelector('[part="base"]')?.getAttribute('lang')).toBe('fr-CA');
  });

  test('a server’s refusal is told in the locale’s words for its code, not in the server’s English', async () => {
    const el = await mount({ locale: 'fr' });
    el.signUpload = async () => ({
      signature: 'f'.repeat(40),
      timestamp: Math.floor(Date.now() / 1000),
      api_key: server().apiKey,
    });
    choose(el, [file('faux.bin', 2)]);
    const failure = next(el, 'signet-upload-error');
    await pressUpload(el);
    const event = await failure;
    expect(event.error.code).toBe('SIGNATURE_INVALID');
    expect(event.error.message).toBe(fr.errors.SIGNATURE_INVALID);
    // The server's own words stay available to the page as the cause.
    expect((event.error.cause as Error).message).not.toBe(fr.errors.SIGNATURE_INVALID);
    await expect.poll(() => results(el)[0]?.text ?? '').toContain(fr.errors.SIGNATURE_INVALID);
    expect(results(el)[0]?.text).toContain(fr.advice.SIGNATURE_INVALID);
    expect(results(el)[0]?.state).toBe(fr.outcomes.refused);
  });

  test('numbers are written as the tag asks: Arabic-Indic digits with ar-EG (or -u-nu-arab), Latin ones with ar', async () => {
    const arabic = await mount({ locale: 'ar-EG', multiple: '' });
    await uploadAll(arabic, [file('a.bin', 3), file('b.bin', 4)]);
    await expect.poll(() => summaryText(arabic)).toBe('تم الرفع: ٢');
    const latin = await mount({ locale: 'ar', multiple: '' });
    await uploadAll(latin, [file('c.bin', 5), file('d.bin', 6)]);
    await expect.poll(() => summaryText(latin)).toBe('تم الرفع: 2');
  });

  test('a language we do not have falls back to English', async () => {
    const el = await mount({ locale: 'tlh', 'max-file-size': '1500000' });
    expect(note(el)).toBe(`${en.limits.anyType} · Up to 1.5 MB each · ${en.limits.oneFile}`);
  });
});

describe('direction', () => {
  test('dir="rtl" around the element mirrors it: Uppy’s root, the results and the options run right to left', async () => {
    const wrapper = document.createElement('div');
    wrapper.dir = 'rtl';
    wrapper.style.width = '700px';
    const el = await mount({ locale: 'ar', 'show-advanced-options': '' }, wrapper);
    expect(el.shadowRoot?.querySelector('[part="base"]')?.getAttribute('dir')).toBe('rtl');
    expect(el.shadowRoot?.querySelector('.uppy-Root')?.getAttribute('dir')).toBe('rtl');
    expect(dropZone(el)).toBe('أفلت الملفات هنا أو تصفّح الملفات');
    await uploadAll(el, [file('صورة.bin', 7)]);
    await expect.poll(() => results(el)).toHaveLength(1);
    const line = el.shadowRoot?.querySelector('[part~="result"]') as HTMLElement;
    const state = line.querySelector('.state')?.getBoundingClientRect();
    const name = line.querySelector('.name')?.getBoundingClientRect();
    // The state comes first, so in a right-to-left line it is to the right of the name.
    expect(state?.left).toBeGreaterThan(name?.right ?? Number.POSITIVE_INFINITY);
    // The accent border is on the start side, now the right.
    const style = getComputedStyle(line);
    expect(style.borderRightWidth).toBe('4px');
    expect(style.borderLeftWidth).toBe('1px');
    // The options' toggle starts at the right edge.
    const options = el.shadowRoot?.querySelector('signet-advanced-options');
    const toggle = options?.shadowRoot?.querySelector('[part="toggle"]')?.getBoundingClientRect();
    const panel = options?.getBoundingClientRect();
    expect((panel?.right ?? 0) - (toggle?.right ?? 0)).toBeLessThan((toggle?.left ?? 0) - (panel?.left ?? 0));
  });

  test('a right-to-left language with no dir declared runs right to left; a declared dir="ltr" wins', async () => {
    const el = await mount({ locale: 'ar' });
    await expect.poll(() => el.shadowRoot?.querySelector('[part="base"]')?.getAttribute('dir')).toBe('rtl');
    expect(el.shadowRoot?.querySelector('.uppy-Root')?.getAttribute('dir')).toBe('rtl');
    const wrapper = document.createElement('div');
    wrapper.dir = 'ltr';
    const declared = await mount({ locale: 'ar' }, wrapper);
    expect(declared.shadowRoot?.querySelector('[part="base"]')?.getAttribute('dir')).toBe('ltr');
    expect(ar.direction).toBe('rtl');
  });
});
