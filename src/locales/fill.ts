/** Filling in and merging locale strings: eager helpers, apart from the strings themselves (which load lazily). */
import type { SignetLocale, SignetStrings } from './en.js';

/** The locale with overrides applied, group by group. */
export function withStrings(base: SignetLocale, overrides: SignetStrings): SignetLocale {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] = typeof value === 'object' && typeof current === 'object' ? { ...current, ...value } : value;
  }
  return merged as SignetLocale;
}

/** Fills `{name}` placeholders; numbers are written as `locale` writes them (`3` is `٣` in `ar`). */
export function fill(text: string, values: Readonly<Record<string, string | number>>, locale = 'en'): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!(name in values)) return whole;
    const value = values[name];
    return typeof value === 'number' ? formatNumber(value, locale) : String(value);
  });
}

const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatNumber(value: number, locale = 'en'): string {
  let format = numberFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale);
    numberFormats.set(locale, format);
  }
  return format.format(value);
}
