/**
 * The languages the element speaks. English is built in for what the page shows first (en-page.ts); the rest of
 * English is a lazy chunk, and every other language two: our strings
 * (de.ts, fr.ts, ar.ts), loaded when an element asks for the language, and Uppy's published pack for it
 * (`@uppy/locales`), loaded with Uppy. A new language is a file beside en.ts and one line here.
 */
import type { SignetLocale } from './en.js';

/** Uppy's locale shape (its `Locale` type, without importing Uppy into the eager part). */
export interface UppyLocale {
  strings: Record<string, string | Record<number, string>>;
  pluralize(n: number): number;
}

interface Language {
  strings(): Promise<SignetLocale>;
  /** Uppy's pack; none for English, which Uppy carries itself. */
  uppy?(): Promise<UppyLocale>;
}

const LANGUAGES: Readonly<Record<string, Language>> = {
  // What the page shows first is in en-page.ts, built in; the rest loads with Uppy.
  en: { strings: async () => (await import('./en.js')).en },
  de: {
    strings: async () => (await import('./de.js')).de,
    uppy: async () => (await import('@uppy/locales/lib/de_DE.js')).default,
  },
  fr: {
    strings: async () => (await import('./fr.js')).fr,
    uppy: async () => (await import('@uppy/locales/lib/fr_FR.js')).default,
  },
  ar: {
    strings: async () => (await import('./ar.js')).ar,
    uppy: async () => (await import('@uppy/locales/lib/ar_SA.js')).default,
  },
};

/** The languages there are strings for. */
export const LANGUAGE_CODES: readonly string[] = Object.keys(LANGUAGES);

/** The language of a BCP 47 tag that we have strings for (`de-CH` → `de`, `AR` → `ar`), else `en`. */
export function languageOf(tag: string): string {
  const language = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return language in LANGUAGES ? language : 'en';
}

/**
 * Our strings for a tag. `language` becomes the tag itself when it is a valid one, so numbers and sizes are written
 * as the page asked (`ar-u-nu-latn` keeps Latin digits, `de-CH` writes 1’024).
 */
export async function loadStrings(tag: string): Promise<SignetLocale> {
  const strings = await (LANGUAGES[languageOf(tag)] ?? LANGUAGES.en).strings();
  const canonical = canonicalTag(tag);
  const primary = (tag: string) => tag.split('-')[0]?.toLowerCase();
  return canonical && primary(canonical) === primary(strings.language) ? { ...strings, language: canonical } : strings;
}

/** Uppy's strings for our locale: its published pack for the language, under our own words (`strings.uppy`). */
export async function loadUppyLocale(strings: SignetLocale): Promise<UppyLocale> {
  const pack = await LANGUAGES[languageOf(strings.language)]?.uppy?.();
  return {
    strings: {
      ...pack?.strings,
      // Uppy's import errors, in the words the results use (the element recognises them by these texts).
      companionError: strings.remote.connectionFailed,
      failedToFetch: strings.remote.importFailed,
      enterCorrectUrl: strings.remote.malformedUrl,
      ...strings.uppy,
    },
    pluralize: pack?.pluralize ?? ((n: number) => (n === 1 ? 0 : 1)),
  };
}

function canonicalTag(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag.trim())[0] ?? null;
  } catch {
    return null;
  }
}
