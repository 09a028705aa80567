/**
 * Client file names: what they claim about the bytes, and how they are shown. A name never becomes a storage key or
 * a path (keys are random, public IDs pass a strict allow-list); it is display text, so it is made safe to display
 * and to save under on any system. Pure.
 */
import { canonicalExtension } from './formats.js';

const MAX_DISPLAY_LENGTH = 255;
// Controls (C0, DEL, C1), format characters (bidi overrides and isolates, zero-width ones, the BOM), line and
// paragraph separators, and lone surrogates: invisible, or able to make `gpj.exe` look like `exe.jpg`.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
// Windows device names, with or without an extension, in any case (`con.txt` opens the console).
const RESERVED = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$/i;

/** The last path segment, without invisible characters, normalized (NFC). */
function baseName(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  return base.replace(INVISIBLE, '').normalize('NFC');
}

/**
 * The name shown for an upload (`original_filename`): no path, no invisible characters, no extension, no trailing
 * dots or spaces (Windows drops them), not a device name, at most 255 characters; 'file' when nothing is left.
 */
export function sanitizeDisplayName(filename: string): string {
  const base = baseName(filename)
    .trim()
    .replace(/[. ]+$/, '');
  const dot = base.lastIndexOf('.');
  let stem = (dot > 0 ? base.slice(0, dot) : base).replace(/[. ]+$/, '');
  if (/^\.+$/.test(stem)) stem = '';
  if (RESERVED.test(stem)) stem = `_${stem}`;
  return truncate(stem, MAX_DISPLAY_LENGTH) || 'file';
}

/** Free text shown as a name (`display_name`): invisible characters removed, at most 255 characters. */
export function sanitizeDisplayText(text: string): string {
  return truncate(text.replace(INVISIBLE, '').normalize('NFC').trim(), MAX_DISPLAY_LENGTH);
}

/**
 * The format extensions a name claims, as the systems that may later see the file read it: the last extension;
 * the same once trailing dots and spaces are gone (`a.jpg.` is `a.jpg` on Windows); and the last extension before a
 * NUL or another control character (`a.php\0.jpg` is `a.php` to C code). Canonical (`JPEG` → `jpg`), deduplicated.
 */
export function claimedExtensions(filename: string): string[] {
  const base = filename.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
  const readings = [base, base.split(/[\u0000-\u001f]/)[0] ?? ''].map((name) =>
    name.replace(INVISIBLE, '').replace(/[. ]+$/, ''),
  );
  const claims = new Set<string>();
  for (const name of [base, ...readings]) {
    const dot = name.lastIndexOf('.');
    if (dot < 0 || dot === name.length - 1) continue;
    const extension = name.slice(dot + 1);
    if (/^[A-Za-z0-9]{1,10}$/.test(extension)) claims.add(canonicalExtension(extension));
  }
  return [...claims];
}

function truncate(text: string, max: number): string {
  // By code point, so a surrogate pair is never cut in half.
  const points = Array.from(text);
  return points.length > max ? points.slice(0, max).join('') : text;
}
