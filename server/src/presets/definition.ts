/**
 * Upload presets: what a preset may say, and the strict check every definition passes before it is stored, whether
 * it comes from the config file or the admin API. Pure.
 *
 * Keys are Cloudinary's preset settings (snake_case, as in its Admin API); `auto_tagging` is ours: plain rules
 * instead of an add-on's confidence threshold.
 */

import type { ResourceType } from 'signet-upload/protocol';
import { checkContext, checkFolder, checkTags, parseTags, RESOURCE_TYPES, UploadError } from 'signet-upload/protocol';

/** The widget's rule for preset names (src/options/options.ts), so any name the panel accepts can exist. */
export const PRESET_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export interface AutoTagRule {
  /** Every condition given must hold; at least one is given. */
  when: {
    /** The resource type detected from the bytes. */
    type?: ResourceType;
    /** The asset's format, lower case: detected from the bytes (for raw files without a signature, the name's). */
    extension?: string;
    /** A regular expression over the sanitized original file name (`original_filename`, without extension). */
    name?: string;
  };
  add: string[];
}

export interface UploadPreset {
  name: string;
  /** Usable without a signature (then only Cloudinary's unsigned parameters are accepted, and never overwrite). */
  unsigned: boolean;
  /** '' is a value: no folder (it overrides a default preset's folder). */
  folder?: string;
  tags?: string[];
  context?: Record<string, string>;
  use_filename?: boolean;
  unique_filename?: boolean;
  overwrite?: boolean;
  /** Formats as detected from the bytes (`jpg`, `png`, `pdf` …); anything else is refused with 415. */
  allowed_formats?: string[];
  /** Bytes; a file of exactly this size passes, one byte more is refused with 413. */
  max_file_size?: number;
  /**
   * Accept active content (HTML, SVG, XML, scripts, executables) as raw files, delivered only as attachments; false
   * refuses it (415) even where the server's `content.activeContent` accepts it. Unset: the server decides.
   */
  allow_active_content?: boolean;
  /** New assets wait in `pending` until the admin API approves or rejects them. */
  moderation?: 'manual';
  /** Answer every upload with a `delete_token` that deletes it within 10 minutes (`POST /v1_1/:cloud/delete_by_token`). */
  return_delete_token?: boolean;
  /**
   * Remove location, device and other personal metadata from JPEG, PNG and WebP files before they are stored,
   * losslessly (the widget does it in the browser; this covers uploads that did not come through it). Not for
   * direct-to-S3 uploads, whose bytes are in the bucket before the server sees them.
   */
  strip_metadata?: boolean;
  auto_tagging?: AutoTagRule[];
}

/** A preset as written in the config file or sent to the admin API: the name comes from where it is stored. */
export type PresetDefinition = Omit<UploadPreset, 'name' | 'unsigned'> & { name?: string; unsigned?: boolean };

const KEYS: ReadonlySet<string> = new Set([
  'name',
  'unsigned',
  'folder',
  'tags',
  'context',
  'use_filename',
  'unique_filename',
  'overwrite',
  'allowed_formats',
  'max_file_size',
  'allow_active_content',
  'moderation',
  'return_delete_token',
  'strip_metadata',
  'auto_tagging',
]);
const RULE_KEYS: ReadonlySet<string> = new Set(['when', 'add']);
const WHEN_KEYS: ReadonlySet<string> = new Set(['type', 'extension', 'name']);
const FORMAT = /^[a-z0-9]{1,10}$/;
// The names file-type detects under, so `jpeg` in a preset means what the detector calls `jpg`.
const FORMAT_ALIASES: Readonly<Record<string, string>> = { jpeg: 'jpg', jpe: 'jpg', tiff: 'tif', htm: 'html' };
const MAX_RULES = 50;
export const MAX_PATTERN_LENGTH = 200;

/**
 * Checks a preset definition and returns it normalised (formats lower-cased and de-aliased, tags as a list).
 * `name` is the name it is stored under (the config key or the URL); a `name` inside must agree. Any unknown key or
 * bad value → 400 PARAM_INVALID naming the field.
 */
export function parsePreset(input: unknown, name: string): UploadPreset {
  const fail = (message: string): never => {
    throw new UploadError('PARAM_INVALID', `Preset "${name.slice(0, 64)}": ${message}`);
  };
  if (!PRESET_NAME.test(name))
    throw new UploadError('PARAM_INVALID', 'A preset name uses 1–64 letters, digits, "_" and "-".');
  if (!isPlainObject(input)) return fail('the definition must be a JSON object.');
  const unknown = Object.keys(input).filter((key) => !KEYS.has(key));
  if (unknown.length > 0) fail(`unknown settings ${unknown.map((key) => `"${key.slice(0, 40)}"`).join(', ')}.`);
  if (input.name !== undefined && input.name !== name) fail('"name" differs from the name it is stored under.');

  const preset: UploadPreset = { name, unsigned: optionalBoolean(input, 'unsigned', fail) ?? false };
  if (input.folder !== undefined) {
    if (typeof input.folder !== 'string') fail('folder must be a string.');
    const verdict = checkFolder(input.folder as string);
    if (!verdict.ok) fail(verdict.error.message);
    preset.folder = input.folder as string;
  }
  if (input.tags !== undefined) preset.tags = tagList(input.tags, 'tags', fail);
  if (input.context !== undefined) preset.context = contextMap(input.context, fail);
  for (const key of [
    'use_filename',
    'unique_filename',
    'overwrite',
    'allow_active_content',
    'return_delete_token',
    'strip_metadata',
  ] as const) {
    const value = optionalBoolean(input, key, fail);
    if (value !== undefined) preset[key] = value;
  }
  if (input.allowed_formats !== undefined) preset.allowed_formats = formatList(input.allowed_formats, fail);
  if (input.max_file_size !== undefined) {
    const size = input.max_file_size;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1)
      fail('max_file_size must be a whole number of bytes, at least 1.');
    preset.max_file_size = size as number;
  }
  if (input.moderation !== undefined) {
    if (input.moderation !== 'manual') fail('moderation must be "manual".');
    preset.moderation = 'manual';
  }
  if (input.auto_tagging !== undefined) preset.auto_tagging = ruleList(input.auto_tagging, fail);
  return preset;
}

function optionalBoolean(
  input: Record<string, unknown>,
  key: string,
  fail: (message: string) => never,
): boolean | undefined {
  const value = input[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail(`${key} must be true or false.`);
  return value as boolean;
}

/** A list of strings, or Cloudinary's comma-separated string. */
function stringList(value: unknown, field: string, fail: (message: string) => never): string[] {
  if (typeof value === 'string') return parseTags(value);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    return fail(`${field} must be a list of strings.`);
  return value as string[];
}

function tagList(value: unknown, field: string, fail: (message: string) => never): string[] {
  const tags = stringList(value, field, fail);
  const verdict = checkTags(tags);
  if (!verdict.ok) fail(`${field}: ${verdict.error.message}`);
  return [...new Set(tags)];
}

function formatList(value: unknown, fail: (message: string) => never): string[] {
  return checkFormats(stringList(value, 'allowed_formats', fail), fail);
}

/**
 * Cloudinary's `allowed_formats` (comma-separated) as the upload parameter sends it: lower-cased, de-aliased; an empty
 * list or a name that is no format → 400 PARAM_INVALID.
 */
export function parseAllowedFormats(text: string): string[] {
  return checkFormats(parseTags(text), (message) => {
    throw new UploadError('PARAM_INVALID', `allowed_formats: ${message}`);
  });
}

function checkFormats(list: readonly string[], fail: (message: string) => never): string[] {
  const formats = list.map((format) => format.trim().toLowerCase());
  if (formats.length === 0) fail('allowed_formats must name at least one format.');
  for (const format of formats) if (!FORMAT.test(format)) fail(`"${format.slice(0, 20)}" is not a format name.`);
  return [...new Set(formats.map(normalizeFormat))];
}

export function normalizeFormat(format: string): string {
  const lower = format.toLowerCase();
  return FORMAT_ALIASES[lower] ?? lower;
}

function contextMap(value: unknown, fail: (message: string) => never): Record<string, string> {
  if (!isPlainObject(value)) return fail('context must be an object of strings.');
  const context: Record<string, string> = {};
  for (const [key, text] of Object.entries(value)) {
    if (typeof text !== 'string') fail(`context.${key.slice(0, 40)} must be a string.`);
    context[key] = text as string;
  }
  // The same rule as the `context` upload parameter and the widget's panel (src/protocol/rules.ts).
  const verdict = checkContext(context);
  if (!verdict.ok) fail(verdict.error.message);
  return context;
}

function ruleList(value: unknown, fail: (message: string) => never): AutoTagRule[] {
  if (!Array.isArray(value) || value.length > MAX_RULES)
    return fail(`auto_tagging must be a list of at most ${MAX_RULES} rules.`);
  return value.map((rule, index) => {
    const where = `auto_tagging[${index}]`;
    if (!isPlainObject(rule)) return fail(`${where} must be an object with "when" and "add".`);
    const unknown = Object.keys(rule).filter((key) => !RULE_KEYS.has(key));
    if (unknown.length > 0)
      fail(`${where}: unknown settings ${unknown.map((key) => `"${key.slice(0, 40)}"`).join(', ')}.`);
    const when = rule.when;
    if (!isPlainObject(when) || Object.keys(when).length === 0)
      return fail(`${where}.when must give at least one of type, extension or name.`);
    const unknownWhen = Object.keys(when).filter((key) => !WHEN_KEYS.has(key));
    if (unknownWhen.length > 0) fail(`${where}.when: only type, extension and name are allowed.`);
    const parsed: AutoTagRule = { when: {}, add: [] };
    if (when.type !== undefined) {
      if (typeof when.type !== 'string' || !(RESOURCE_TYPES as readonly string[]).includes(when.type))
        fail(`${where}.when.type must be "image", "video" or "raw".`);
      parsed.when.type = when.type as ResourceType;
    }
    if (when.extension !== undefined) {
      if (typeof when.extension !== 'string' || !FORMAT.test(when.extension.toLowerCase()))
        fail(`${where}.when.extension must be a format name such as "pdf".`);
      parsed.when.extension = normalizeFormat(when.extension as string);
    }
    if (when.name !== undefined) {
      if (typeof when.name !== 'string') fail(`${where}.when.name must be a regular expression as a string.`);
      try {
        compileNamePattern(when.name as string);
      } catch (error) {
        fail(`${where}.when.name: ${(error as Error).message}`);
      }
      parsed.when.name = when.name as string;
    }
    parsed.add = tagList(rule.add, `${where}.add`, fail);
    if (parsed.add.length === 0) fail(`${where}.add must name at least one tag.`);
    return parsed;
  });
}

/**
 * Compiles a name pattern, refusing what could take exponential time: over 200 characters, a quantified group that
 * itself holds a quantifier or an alternation (`(a+)+`, `(a|ab)*`), and backreferences. The text it runs on is a
 * file name of at most 255 characters, so what remains is linear enough. Throws an Error saying why.
 */
export function compileNamePattern(pattern: string): RegExp {
  if (pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH)
    throw new Error(`a name pattern must be 1–${MAX_PATTERN_LENGTH} characters.`);
  assertNoNestedQuantifiers(pattern);
  try {
    return new RegExp(pattern, 'u');
  } catch {
    throw new Error('not a valid regular expression.');
  }
}

interface GroupFrame {
  /** A quantifier or an alternation somewhere inside (nested groups included). */
  risky: boolean;
}

function assertNoNestedQuantifiers(pattern: string): void {
  const stack: GroupFrame[] = [{ risky: false }];
  // What a quantifier at this point would apply to: a group that was risky, or anything else.
  let lastGroupRisky = false;
  let i = 0;
  const top = (): GroupFrame => stack[stack.length - 1] as GroupFrame;
  while (i < pattern.length) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9k]/.test(next)) throw new Error('backreferences are not allowed.');
      i += 2;
      lastGroupRisky = false;
      continue;
    }
    if (char === '[') {
      i = skipClass(pattern, i);
      lastGroupRisky = false;
      continue;
    }
    if (char === '(') {
      stack.push({ risky: false });
      i = skipGroupPrefix(pattern, i + 1);
      lastGroupRisky = false;
      continue;
    }
    if (char === ')') {
      const frame = stack.pop();
      if (!frame || stack.length === 0) throw new Error('not a valid regular expression.');
      if (frame.risky) top().risky = true;
      lastGroupRisky = frame.risky;
      i += 1;
      continue;
    }
    if (char === '|') {
      top().risky = true;
      lastGroupRisky = false;
      i += 1;
      continue;
    }
    const quantifier = /^(?:[*+?]|\{\d+(?:,\d*)?\})/.exec(pattern.slice(i));
    if (quantifier) {
      if (lastGroupRisky) throw new Error('nested quantifiers are not allowed.');
      top().risky = true;
      i += quantifier[0].length;
      if (pattern[i] === '?') i += 1;
      lastGroupRisky = false;
      continue;
    }
    lastGroupRisky = false;
    i += 1;
  }
}

function skipClass(pattern: string, start: number): number {
  let i = start + 1;
  while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Skips `?:`, `?=`, `?!`, `?<=`, `?<!` and `?<name>` after an opening parenthesis. */
function skipGroupPrefix(pattern: string, i: number): number {
  if (pattern[i] !== '?') return i;
  const next = pattern[i + 1];
  if (next === ':' || next === '=' || next === '!') return i + 2;
  if (next === '<') {
    if (pattern[i + 2] === '=' || pattern[i + 2] === '!') return i + 3;
    const end = pattern.indexOf('>', i);
    return end < 0 ? pattern.length : end + 1;
  }
  return i + 1;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
