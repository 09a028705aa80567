/**
 * The single-file script's HEIC converter (vite.config.ts puts this in place of heic.ts in that build): libheif is
 * 730 KB gzipped, too much to carry in one classic script for every page, so it comes from the module embed beside
 * the script (`embed/heic.js`, a file of its own in that build), only when a HEIC photo is chosen. Without it there
 * (a script copied alone), photos go as they are.
 */
import { scriptSrc } from '../script-src.js';
import type { LocalFile } from './add-files.js';

export async function convertHeic(files: readonly LocalFile[], isHeic: (file: File) => boolean): Promise<LocalFile[]> {
  const url = new URL('embed/heic.js', scriptSrc ?? document.baseURI).href;
  const converter: typeof import('./heic.js') = await import(/* @vite-ignore */ url);
  return converter.convertHeic(files, isHeic);
}
