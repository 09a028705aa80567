/**
 * The limits a person meets, in words: what the drop zone says it accepts (types, size, count), and why a file was
 * not added. Pure; the words come from the locale.
 */
import type { SignetLocale } from '../locales/en.js';
import { fill } from '../locales/fill.js';

export interface Limits {
  /** `<input accept>` entries: MIME types, `type/*` wildcards, `.ext`; null for any. */
  allowedFileTypes: readonly string[] | null;
  maxFileSize: number | null;
  maxNumberOfFiles: number | null;
}

/** The smallest of the limits that are set (0 and null mean none); null when none is. */
export function tightest(...limits: (number | null | undefined)[]): number | null {
  const set = limits.filter((n): n is number => typeof n === 'number' && n > 0);
  return set.length ? Math.min(...set) : null;
}

/** "Accepted: images, PDF · Up to 50 kB each · Up to 5 files"; numbers and sizes written for `locale`. */
export function describeLimits(limits: Limits, strings: SignetLocale['limits'], locale = 'en'): string {
  const parts = [
    limits.allowedFileTypes?.length
      ? fill(strings.types, { types: describeTypes(limits.allowedFileTypes, strings) })
      : strings.anyType,
  ];
  if (limits.maxFileSize) parts.push(fill(strings.size, { size: formatBytes(limits.maxFileSize, locale) }));
  if (limits.maxNumberOfFiles === 1) parts.push(strings.oneFile);
  else if (limits.maxNumberOfFiles) parts.push(fill(strings.files, { count: limits.maxNumberOfFiles }, locale));
  return parts.join(' · ');
}

/** `image/*` → "images", `.pdf` or `application/pdf` → "PDF", `image/png` → "PNG". */
export function describeTypes(types: readonly string[], strings: SignetLocale['limits']): string {
  const families: Record<string, string> = {
    image: strings.image,
    video: strings.video,
    audio: strings.audio,
    text: strings.text,
  };
  const words = types.map((type) => {
    const wildcard = /^([a-z]+)\/\*$/i.exec(type);
    if (wildcard) return families[wildcard[1]?.toLowerCase() ?? ''] ?? type;
    if (type.startsWith('.')) return type.slice(1).toUpperCase();
    const subtype = type.split('/')[1] ?? type;
    return subtype.replace(/^x-/, '').toUpperCase();
  });
  return [...new Set(words)].join(', ');
}

/** Decimal units, as the server counts (50000 → "50 kB", 52428800 → "52.4 MB"), written for `locale` ("52,4 MB"). */
export function formatBytes(bytes: number, locale = 'en'): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0,
  }).format(unit === 0 ? value : Math.floor(value * 10) / 10);
}
