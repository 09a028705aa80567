/**
 * Naming rules shared by the widget (early feedback) and the reference server (the decision). Rules reject; they
 * never rewrite a value silently, so what a person typed is what gets signed or refused.
 */
import { UploadError } from '../errors.js';

export const LIMITS = {
  publicIdLength: 255,
  folderLength: 255,
  tagLength: 255,
  tagCount: 50,
  contextLength: 1024,
} as const;

// A segment: letters, digits, `_`, `-`, and `.` inside (never a whole `.`/`..`). No spaces, `?#%\<>&+`, controls.
const PUBLIC_ID_SEGMENT = /^[A-Za-z0-9_-](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$/;
// The seed's folder rule: letters, digits, hyphens and underscores only.
const FOLDER_SEGMENT = /^[A-Za-z0-9_-]+$/;
// Tags: printable text without the `,` delimiter, `|` (context separator) or control/bidi characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse them
const TAG_FORBIDDEN = /[,|\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export type RuleResult = { ok: true } | { ok: false; error: UploadError };

const ok: RuleResult = { ok: true };
const fail = (code: UploadError['code'], message: string): RuleResult => ({
  ok: false,
  error: new UploadError(code, message),
});

export function checkPublicId(id: string): RuleResult {
  if (id.length === 0) return fail('PUBLIC_ID_INVALID', 'The public ID is empty.');
  if (id.length > LIMITS.publicIdLength)
    return fail('PUBLIC_ID_INVALID', `The public ID is longer than ${LIMITS.publicIdLength} characters.`);
  for (const segment of id.split('/')) {
    if (!PUBLIC_ID_SEGMENT.test(segment) || segment.includes('..'))
      return fail(
        'PUBLIC_ID_INVALID',
        `The public ID "${printable(id)}" may use letters, digits, "_", "-" and "." separated by single "/".`,
      );
  }
  return ok;
}

export function checkFolder(folder: string): RuleResult {
  if (folder === '') return ok;
  if (folder.length > LIMITS.folderLength)
    return fail('FOLDER_INVALID', `The folder is longer than ${LIMITS.folderLength} characters.`);
  for (const segment of folder.split('/')) {
    if (!FOLDER_SEGMENT.test(segment))
      return fail(
        'FOLDER_INVALID',
        `The folder "${printable(folder)}" may use only letters, digits, "-" and "_", separated by single "/".`,
      );
  }
  return ok;
}

export function checkTags(tags: readonly string[]): RuleResult {
  if (tags.length > LIMITS.tagCount) return fail('TAG_INVALID', `At most ${LIMITS.tagCount} tags are allowed.`);
  for (const tag of tags) {
    if (tag.trim() === '' || tag.length > LIMITS.tagLength || TAG_FORBIDDEN.test(tag))
      return fail(
        'TAG_INVALID',
        `The tag "${printable(tag)}" must be 1–${LIMITS.tagLength} characters without "," or "|".`,
      );
  }
  return ok;
}

/** Cloudinary's `tags` parameter: one comma-separated string. */
export function parseTags(value: string): string[] {
  return value === '' ? [] : value.split(',');
}

// A context key doubles as a JSON property name: keep it boring (dots allowed, as in `alt.text`), never `__proto__`.
const CONTEXT_KEY = /^[A-Za-z0-9_.-]{1,128}$/;

/** Context (Cloudinary's per-asset key/value metadata): keys of the same alphabet, values bounded, on both sides. */
export function checkContext(context: Readonly<Record<string, string>>): RuleResult {
  for (const key of Object.keys(context)) {
    if (!CONTEXT_KEY.test(key))
      return fail('CONTEXT_INVALID', `The context key "${printable(key)}" may use letters, digits, "_", "-" and ".".`);
  }
  // Bounded as sent: the wire form, escapes included.
  if (encodeContext(context).length > LIMITS.contextLength)
    return fail('CONTEXT_INVALID', `The context is longer than ${LIMITS.contextLength} characters.`);
  return ok;
}

/** Cloudinary's context wire form: `k=v|k2=v2`, with `=`, `|` and `\` inside values escaped by a backslash. */
export function encodeContext(context: Readonly<Record<string, string>>): string {
  return Object.entries(context)
    .map(([key, value]) => `${key}=${value.replace(/([=|\\])/g, '\\$1')}`)
    .join('|');
}

/** Parses the context wire form strictly: every pair needs a key and `=`; the result passes `checkContext`. */
export function parseContext(text: string): RuleResult & { context: Record<string, string> } {
  const context: Record<string, string> = {};
  if (text === '') return { ok: true, context };
  if (text.length > LIMITS.contextLength)
    return { ...fail('CONTEXT_INVALID', `The context is longer than ${LIMITS.contextLength} characters.`), context };
  for (const pair of splitUnescaped(text, '|')) {
    const [key, ...rest] = splitUnescaped(pair, '=');
    if (rest.length === 0)
      return { ...fail('CONTEXT_INVALID', 'The context must look like key=value|key2=value2.'), context };
    context[unescapeContext(key ?? '')] = unescapeContext(rest.join('='));
  }
  return { ...checkContext(context), context };
}

function splitUnescaped(text: string, delimiter: '|' | '='): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && i + 1 < text.length) current += char + text[++i];
    else if (char === delimiter) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

function unescapeContext(text: string): string {
  return text.replace(/\\([|=\\])/g, '$1');
}

/** The resource types of upload URLs (`/v1_1/<cloud>/<resource_type>/upload`); `auto` decides from the bytes. */
export const RESOURCE_TYPES = ['image', 'video', 'raw'] as const;
export const UPLOAD_RESOURCE_TYPES = [...RESOURCE_TYPES, 'auto'] as const;
export type UploadResourceType = (typeof UPLOAD_RESOURCE_TYPES)[number];

export function isUploadResourceType(value: string): value is UploadResourceType {
  return (UPLOAD_RESOURCE_TYPES as readonly string[]).includes(value);
}

function printable(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: shown escaped in messages
  const shown = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return shown.length > 80 ? `${shown.slice(0, 80)}…` : shown;
}
