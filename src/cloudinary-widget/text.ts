/**
 * Cloudinary's `text` option (text.json's keys, per language) onto this widget's words: the frame's (words.ts) and
 * Uppy's inside the element (`strings.uppy`). Keys with no counterpart here are reported once by name.
 */
import type { SignetStrings } from '../locales/en.js';
import type { TextOption, TextTree } from './options.js';
import { type FrameWords, frameWords } from './words.js';

/** Cloudinary key → our frame word. */
const FRAME: Readonly<Record<string, keyof FrameWords>> = {
  close: 'close',
  'queue.title': 'title',
  'queue.show_completed': 'showCompleted',
  'queue.mini_title_uploading': 'uploading',
  'queue.mini_title': 'uploaded',
};

/** Cloudinary key → Uppy's key (the Dashboard's, the Url and Dropbox plugins'). */
const UPPY: Readonly<Record<string, string>> = {
  'menu.files': 'myDevice',
  'menu.web': 'pluginNameUrl',
  'menu.dropbox': 'pluginNameDropbox',
  'local.browse': 'browseFiles',
  'queue.upload_more': 'addMoreFiles',
  'url.inner_title': 'enterUrlToImport',
};

export interface MappedText {
  frame: FrameWords;
  strings: SignetStrings;
  /** `text.<language>.<key>` for each key not mapped. */
  unmapped: string[];
}

/**
 * The words for `language` (default `en`) from `text`. The drop zone's title becomes Uppy's "Drop files here or …"
 * of a widget with only the device as source; with remote tabs Uppy says its own "… or import from:".
 */
export function mapText(text: TextOption | undefined, language = 'en'): MappedText {
  const frame: FrameWords = { ...frameWords };
  const uppy: Record<string, string> = {};
  const unmapped: string[] = [];
  const flat = flatten(text?.[language] ?? {});
  const dropTitle = flat['local.dd_title_multi'] ?? flat['local.dd_title_single'];
  for (const [key, value] of Object.entries(flat)) {
    const frameKey = FRAME[key];
    const uppyKey = UPPY[key];
    if (frameKey) frame[frameKey] = value;
    else if (uppyKey) uppy[uppyKey] = value;
    else if (!/^(local\.dd_title_(multi|single)|or)$/.test(key)) unmapped.push(`text.${language}.${key}`);
  }
  if (dropTitle) uppy.dropPasteFiles = `${dropTitle} ${(flat.or ?? 'or').toLowerCase()} %{browseFiles}`;
  const strings: SignetStrings = Object.keys(uppy).length ? { uppy } : {};
  return { frame, strings, unmapped };
}

/** `{queue: {title: 'x'}}` → `{'queue.title': 'x'}`. */
function flatten(tree: TextTree, prefix = ''): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') flat[path] = value;
    else if (value && typeof value === 'object') Object.assign(flat, flatten(value, path));
  }
  return flat;
}
