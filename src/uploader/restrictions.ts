/**
 * Why Uppy's restrictions kept a file out of the queue, in the locale's words. Loaded with Uppy.
 */
import { UploadError } from '../errors.js';
import type { SignetLocale } from '../locales/en.js';
import { fill } from '../locales/fill.js';
import { describeTypes, formatBytes, type Limits } from './limits.js';

/** Whether a file passes an `accept` list, the way `<input accept>` and Uppy read it (type, wildcard or extension). */
export function typeAllowed(file: { name?: string; type?: string }, allowed: readonly string[] | null): boolean {
  if (!allowed?.length) return true;
  const type = (file.type ?? '').toLowerCase();
  const name = (file.name ?? '').toLowerCase();
  return allowed.some((entry) => {
    const rule = entry.toLowerCase();
    if (rule.startsWith('.')) return name.endsWith(rule);
    if (rule.endsWith('/*')) return type.startsWith(rule.slice(0, -1));
    return type === rule;
  });
}

/**
 * Why Uppy's restrictions kept a file out of the queue, in our words: too large, a type not accepted, one file too
 * many, or already in the list. `queued` is how many files the queue holds.
 */
export function restrictionError(
  file: { name?: string; type?: string; size?: number | null },
  limits: Limits,
  queued: number,
  strings: SignetLocale,
): UploadError {
  const words = strings.restrictions;
  const locale = strings.language;
  if (!typeAllowed(file, limits.allowedFileTypes))
    return new UploadError(
      'TYPE_NOT_ALLOWED',
      fill(words.TYPE_NOT_ALLOWED, { types: describeTypes(limits.allowedFileTypes ?? [], strings.limits) }),
    );
  if (limits.maxFileSize && (file.size ?? 0) > limits.maxFileSize)
    return new UploadError(
      'FILE_TOO_LARGE',
      fill(words.FILE_TOO_LARGE, { size: formatBytes(limits.maxFileSize, locale) }),
    );
  if (limits.maxNumberOfFiles && queued >= limits.maxNumberOfFiles) return tooMany(limits.maxNumberOfFiles, strings);
  return new UploadError('RESTRICTED', words.DUPLICATE);
}

export function tooMany(max: number, strings: SignetLocale): UploadError {
  const words = strings.restrictions;
  return new UploadError(
    'RESTRICTED',
    max === 1 ? words.MAX_ONE : fill(words.MAX_EXCEEDED, { count: max }, strings.language),
  );
}
