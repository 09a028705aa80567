/**
 * HEIC/HEIF photos (what iPhones take) become JPEG in the browser before they join the queue, unless the element's
 * `accept` names HEIC: most browsers cannot show them (no preview, no crop) and a server stores what it can deliver.
 * Loaded only when a chosen file is HEIC: libheif (LGPL-3.0) compiled to WebAssembly, through heic-to's build
 * without `eval` (its worker needs `worker-src blob:` and `script-src 'wasm-unsafe-eval'` under a strict CSP). It
 * stays a file of its own, which a site may replace. The picture is turned upright as the file says; its metadata
 * (location included) does not survive the canvas.
 */
import { heicTo } from 'heic-to/csp';
import type { LocalFile } from './add-files.js';

const QUALITY = 0.92;

/** The same files, HEIC ones as JPEG (noted on the file); one the decoder cannot read stays as it is. */
export async function convertHeic(files: readonly LocalFile[], isHeic: (file: File) => boolean): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  for (const file of files) {
    if (!isHeic(file)) {
      out.push(file);
      continue;
    }
    try {
      const jpeg = await heicTo({ blob: file, type: 'image/jpeg', quality: QUALITY });
      const name = `${file.name.replace(/\.(heic|heif)$/i, '')}.jpg`;
      const converted: LocalFile = Object.assign(
        new File([jpeg], name, { type: 'image/jpeg', lastModified: file.lastModified }),
        {
          relativePath: file.relativePath || file.webkitRelativePath || null,
          convertedFrom: file.type || 'image/heic',
        },
      );
      out.push(converted);
    } catch {
      out.push(file); // not HEIC after all, or damaged: the server's checks judge it
    }
  }
  return out;
}
