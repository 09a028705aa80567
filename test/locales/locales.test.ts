// Every language besides English: the words Uppy shows in our Dashboard are translated (by Uppy's published pack or
// by our own `uppy` group), no placeholder the Dashboard no longer fills is left, and our strings keep the
// placeholders of the English ones.
import enUS from '@uppy/locales/lib/en_US.js';
import { describe, expect, test } from 'vitest';
import { en, type SignetLocale } from '../../src/locales/en.js';
import { LANGUAGE_CODES, languageOf, loadStrings, loadUppyLocale } from '../../src/locales/index.js';

/** Uppy strings the Dashboard, its status bar and the link and Dropbox tabs can show in our configuration. */
const SHOWN = [
  'addMore',
  'addMoreFiles',
  'addingMoreFiles',
  'back',
  'browseFiles',
  'browseFolders',
  'cancel',
  'cancelUpload',
  'complete',
  'dashboardTitle',
  'dashboardWindowTitle',
  'dataUploadedOfTotal',
  'done',
  'dropHint',
  'dropPasteBoth',
  'dropPasteFiles',
  'dropPasteImportBoth',
  'dropPasteImportFiles',
  'editFile',
  'error',
  'filesUploadedOfTotal',
  'import',
  'importFiles',
  'importFrom',
  'myDevice',
  'pause',
  'pauseUpload',
  'pluginNameDropbox',
  'pluginNameUrl',
  'removeFile',
  'resume',
  'resumeUpload',
  'retry',
  'retryUpload',
  'enterUrlToImport',
  'uploadComplete',
  'uploadFailed',
  'uploading',
  'uploadingXFiles',
  'uploadPaused',
  'uploadXFiles',
  'uploadXNewFiles',
  'xFilesSelected',
  'xMoreFilesAdded',
  'xTimeLeft',
  'companionError',
  'failedToFetch',
  'enterCorrectUrl',
];

const placeholders = (value: unknown): string[] =>
  [...JSON.stringify(value).matchAll(/%\{(\w+)\}/g)].map((m) => m[1] as string).sort();
const ours = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();

function leaves(locale: SignetLocale, prefix = ''): [string, string][] {
  return Object.entries(locale).flatMap(([key, value]) =>
    typeof value === 'string'
      ? [[`${prefix}${key}`, value] as [string, string]]
      : leaves(value as unknown as SignetLocale, `${prefix}${key}.`),
  );
}

test('there are English and at least three more languages, one of them written right to left', async () => {
  expect(LANGUAGE_CODES).toEqual(expect.arrayContaining(['en', 'de', 'fr', 'ar']));
  const directions = await Promise.all(LANGUAGE_CODES.map(async (code) => (await loadStrings(code)).direction));
  expect(directions).toContain('rtl');
});

test('tags are matched to their language; unknown ones get English', async () => {
  expect(['de-CH', 'AR', 'fr_FR', 'tlh', ''].map(languageOf)).toEqual(['de', 'ar', 'fr', 'en', 'en']);
  expect((await loadStrings('de-CH')).language).toBe('de-CH');
  expect((await loadStrings('tlh')).language).toBe('en');
});

describe.each(LANGUAGE_CODES.filter((code) => code !== 'en'))('%s', (code) => {
  test('every Uppy string our Dashboard shows is translated, with the placeholders Uppy 6 fills', async () => {
    const strings = await loadStrings(code);
    const uppy = await loadUppyLocale(strings);
    for (const key of SHOWN) {
      const value = uppy.strings[key];
      // Defined here means the pack or our `uppy` group has it: Uppy does not fall back to its English.
      expect(value, key).toBeDefined();
      // A placeholder Uppy 6 does not fill shows as written ("%{browse}"): where English names its placeholders, a
      // translation may use only those (it may leave one out: "Eine Datei hochladen").
      const english = placeholders((enUS.strings as Record<string, unknown>)[key]);
      if (english.length) for (const name of placeholders(value)) expect(english, `${key}: %{${name}}`).toContain(name);
    }
  });

  test('every one of our strings keeps the placeholders of the English one', async () => {
    const strings = await loadStrings(code);
    const english = new Map(leaves(en));
    for (const [key, value] of leaves(strings)) {
      if (key.startsWith('uppy.') || key === 'language' || key === 'direction') continue;
      expect(ours(value), key).toEqual(ours(english.get(key) ?? ''));
    }
  });
});
