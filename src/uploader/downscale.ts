/**
 * `max-image-width` / `max-image-height`: large photos are made smaller in the browser before upload (never larger),
 * re-encoded at `image-quality` in their own format (JPEG, PNG or WebP); with `validate-dimensions` they are refused
 * instead, and `min-image-width` / `min-image-height` refuse small ones (IMAGE_DIMENSIONS, told on the file's line). An Uppy preprocessor after the metadata
 * stripper (strip-metadata.ts), so it runs for every backend; the browser decodes off the main thread
 * (`createImageBitmap`, which also turns the picture by its EXIF orientation, so the result is upright without any
 * metadata) and draws on an `OffscreenCanvas` where there is one. What was done is noted on the file
 * (`meta.signetResized`) for its result line and the events.
 */
import type { Body, Meta, Uppy, UppyFile } from '@uppy/core';
import { UploadError } from '../errors.js';
import { fill, formatNumber } from '../locales/fill.js';

export interface DownscaleOptions {
  /** Pixels; 0 for no limit. */
  maxWidth: number;
  maxHeight: number;
  /** 0–1, for JPEG and WebP. */
  quality: number;
  /** Refuse an image over the maximum instead of making it smaller (Cloudinary's `validateMaxWidthHeight`). */
  validate: boolean;
  /** Pixels; 0 for no limit. Smaller images are refused. */
  minWidth: number;
  minHeight: number;
}

export interface DownscaleHooks {
  limits(): DownscaleOptions | null;
  /** The person's words for a refusal (the element's language can change meanwhile). */
  words(): { tooSmall: string; tooLarge: string; language: string };
  /** A refused image leaves the run with its message, as a file refused by the browser's checks does. */
  refuse(file: UppyFile<Meta, Body>, error: UploadError): void;
}

export interface Resized {
  width: number;
  height: number;
  originalWidth: number;
  originalHeight: number;
}

const RESIZABLE = new Set(['image/jpeg', 'image/png', 'image/webp']);

export function resizedOf(file: UppyFile<Meta, Body>): Resized | undefined {
  return (file.meta as { signetResized?: Resized }).signetResized;
}

export function installDownscaler(uppy: Uppy<Meta, Body>, hooks: DownscaleHooks): () => void {
  const dimensionsError: DimensionsError = (kind, width, height, w, h) => {
    const words = hooks.words();
    const size = (a: number, b: number) =>
      `${a ? formatNumber(a, words.language) : '–'} × ${b ? formatNumber(b, words.language) : '–'}`;
    const limit = size(w, h);
    return new UploadError(
      'IMAGE_DIMENSIONS',
      fill(words[kind], { size: size(width, height), min: limit, max: limit }, words.language),
    );
  };
  const downscale = async (fileIDs: string[]): Promise<void> => {
    const wanted = sane(hooks.limits());
    if (!wanted || (!wanted.maxWidth && !wanted.maxHeight && !wanted.minWidth && !wanted.minHeight)) return;
    for (const id of fileIDs) {
      const file = uppy.getFile(id);
      const data = file?.data;
      if (!file || file.isRemote || !(data instanceof Blob) || !RESIZABLE.has(data.type) || resizedOf(file)) continue;
      let smaller: Awaited<ReturnType<typeof resize>>;
      try {
        smaller = await resize(data, wanted, dimensionsError);
      } catch (error) {
        if (error instanceof UploadError && uppy.getFile(id)) hooks.refuse(file, error);
        continue; // refused, or not decodable here (the server judges that)
      }
      if (!smaller || !uppy.getFile(id)) continue;
      const current = uppy.getFile(id);
      const resized = new File([smaller.blob], file.name ?? 'file', {
        type: smaller.blob.type,
        lastModified: data instanceof File ? data.lastModified : Date.now(),
      });
      uppy.setFileState(id, {
        data: resized,
        size: resized.size,
        // Who the file is for a page load that resumes it (backends/unfinished.ts `originalOf`).
        signetOriginal: (current as { signetOriginal?: Blob }).signetOriginal ?? data,
        meta: { ...current.meta, signetResized: smaller.resized },
        progress: { ...current.progress, bytesTotal: resized.size },
      } as never);
    }
  };
  uppy.addPreProcessor(downscale);
  return () => uppy.removePreProcessor(downscale);
}

/** Pixel limits as whole non-negative numbers (anything else is no limit), the quality within 0.1–1 (else 0.9). */
function sane(limits: DownscaleOptions | null): DownscaleOptions | null {
  if (!limits) return null;
  const pixels = (value: number) => (Number.isFinite(value) && value > 0 ? Math.floor(value) : 0);
  const quality =
    Number.isFinite(limits.quality) && limits.quality > 0 ? Math.min(1, Math.max(0.1, limits.quality)) : 0.9;
  return {
    maxWidth: pixels(limits.maxWidth),
    maxHeight: pixels(limits.maxHeight),
    minWidth: pixels(limits.minWidth),
    minHeight: pixels(limits.minHeight),
    quality,
    validate: limits.validate === true,
  };
}

type DimensionsError = (
  kind: 'tooSmall' | 'tooLarge',
  width: number,
  height: number,
  w: number,
  h: number,
) => UploadError;

/** The smaller copy, undefined when none is needed; throws IMAGE_DIMENSIONS for an image the limits refuse. */
async function resize(
  data: Blob,
  wanted: DownscaleOptions,
  dimensionsError: DimensionsError,
): Promise<{ blob: Blob; resized: Resized } | undefined> {
  const bitmap = await createImageBitmap(data);
  try {
    const { width, height } = bitmap;
    if ((wanted.minWidth && width < wanted.minWidth) || (wanted.minHeight && height < wanted.minHeight))
      throw dimensionsError('tooSmall', width, height, wanted.minWidth, wanted.minHeight);
    const over = (wanted.maxWidth && width > wanted.maxWidth) || (wanted.maxHeight && height > wanted.maxHeight);
    if (over && wanted.validate) throw dimensionsError('tooLarge', width, height, wanted.maxWidth, wanted.maxHeight);
    const scale = Math.min(
      1,
      wanted.maxWidth ? wanted.maxWidth / width : 1,
      wanted.maxHeight ? wanted.maxHeight / height : 1,
    );
    if (scale >= 1) return undefined; // never larger, and a small photo keeps its own bytes
    const to = { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
    const blob = await draw(bitmap, to.width, to.height, data.type, wanted.quality);
    return { blob, resized: { ...to, originalWidth: width, originalHeight: height } };
  } finally {
    bitmap.close();
  }
}

async function draw(bitmap: ImageBitmap, width: number, height: number, type: string, quality: number) {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, width, height);
    return canvas.convertToBlob({ type, quality });
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  return new Promise<Blob>((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The image could not be encoded.'))),
      type,
      quality,
    ),
  );
}
