/**
 * The Dashboard's thumbnails, standing in for @uppy/thumbnail-generator (the build aliases that package here, see
 * vite.config.ts `uppyAliases`). Uppy's reads each image's EXIF orientation with exifr (10 KiB gzipped, a tenth of
 * everything the widget loads); browsers apply the orientation themselves when decoding (`createImageBitmap`'s
 * default `imageOrientation: "from-image"`), so this one decodes, scales and draws, nothing else. Same plugin
 * contract as Uppy's 5.x: the options the Dashboard passes, lazy requests (`thumbnail:request` when a file's line
 * comes into view, `thumbnail:cancel` when it leaves), `requestThumbnail` for a single file's large preview, and the
 * `thumbnail:generated` / `thumbnail:error` events; object URLs are revoked when their file leaves.
 */
import { BasePlugin, type Body, type Meta, type Uppy, type UppyFile } from '@uppy/core';
import { isPreviewSupported } from '@uppy/core/utils';
// Uppy's own package declares the thumbnail events on Uppy's event map (types only; its code is never bundled).
import type {} from '@uppy/thumbnail-generator';

interface ThumbnailOptions {
  id?: string;
  thumbnailWidth?: number | null;
  thumbnailHeight?: number | null;
  thumbnailType?: string;
  lazy?: boolean;
  waitForThumbnailsBeforeUpload?: boolean;
}

/** Decodes at once: a page of thumbnails in view must not decode a hundred photos together. */
const AT_ONCE = 2;

export default class Thumbnails<M extends Meta, B extends Body> extends BasePlugin<ThumbnailOptions, M, B> {
  #queue: string[] = [];
  #running = 0;

  constructor(uppy: Uppy<M, B>, opts: ThumbnailOptions = {}) {
    super(uppy, { thumbnailWidth: 200, thumbnailType: 'image/jpeg', ...opts });
    this.id = opts.id ?? 'ThumbnailGenerator';
    this.type = 'modifier';
  }

  override install(): void {
    // Eager mode (`waitForThumbnailsBeforeUpload`) is not offered by the element: every request is lazy.
    this.uppy.on('thumbnail:request', this.#request);
    this.uppy.on('thumbnail:cancel', this.#cancel);
    this.uppy.on('file-removed', this.#removed);
    this.uppy.on('cancel-all', this.#clear);
  }

  override uninstall(): void {
    this.uppy.off('thumbnail:request', this.#request);
    this.uppy.off('thumbnail:cancel', this.#cancel);
    this.uppy.off('file-removed', this.#removed);
    this.uppy.off('cancel-all', this.#clear);
    this.#queue = [];
  }

  /** Makes `file`'s thumbnail now, at the current `thumbnailWidth` (the Dashboard's large single-file preview). */
  async requestThumbnail(file: UppyFile<M, B>): Promise<void> {
    if (!file.isRemote && file.data instanceof Blob && isPreviewSupported(file.type)) await this.#make(file.id, true);
  }

  #request = (file: UppyFile<M, B> | undefined) => {
    if (!file || file.preview || file.isRemote || !isPreviewSupported(file.type) || this.#queue.includes(file.id))
      return;
    this.#queue.push(file.id);
    this.#next();
  };

  #cancel = (file: UppyFile<M, B> | undefined) => {
    if (file) this.#queue = this.#queue.filter((id) => id !== file.id);
  };

  #removed = (file: UppyFile<M, B>) => {
    this.#cancel(file);
    if (file.preview?.startsWith('blob:')) URL.revokeObjectURL(file.preview);
  };

  #clear = () => {
    this.#queue = [];
  };

  #next(): void {
    while (this.#running < AT_ONCE && this.#queue.length) {
      const id = this.#queue.shift() as string;
      this.#running++;
      void this.#make(id, false).finally(() => {
        this.#running--;
        this.#next();
      });
    }
  }

  async #make(id: string, replace: boolean): Promise<void> {
    const file = this.uppy.getFile(id);
    if (!file || !(file.data instanceof Blob) || (file.preview && !replace)) return;
    try {
      const url = await this.#draw(file.data, file.type);
      const current = this.uppy.getFile(id);
      // Removed meanwhile: its thumbnail has no line to show in.
      if (!current) return URL.revokeObjectURL(url);
      if (current.preview?.startsWith('blob:')) URL.revokeObjectURL(current.preview);
      this.uppy.setFileState(id, { preview: url } as Partial<UppyFile<M, B>>);
      this.uppy.emit('thumbnail:generated', this.uppy.getFile(id), url);
    } catch (error) {
      this.uppy.emit('thumbnail:error', file, error as Error);
    }
  }

  async #draw(data: Blob, type: string): Promise<string> {
    // An SVG is shown as itself (an <img> runs none of its scripts); bitmaps are decoded and scaled down.
    if (type === 'image/svg+xml') return URL.createObjectURL(data);
    const bitmap = await createImageBitmap(data);
    try {
      const { thumbnailWidth: width, thumbnailHeight: height } = this.opts;
      const scale = Math.min(
        1,
        width ? width / bitmap.width : Number.POSITIVE_INFINITY,
        height ? height / bitmap.height : Number.POSITIVE_INFINITY,
      );
      const canvas = new OffscreenCanvas(
        Math.max(1, Math.round(bitmap.width * scale)),
        Math.max(1, Math.round(bitmap.height * scale)),
      );
      (canvas.getContext('2d') as OffscreenCanvasRenderingContext2D).drawImage(
        bitmap,
        0,
        0,
        canvas.width,
        canvas.height,
      );
      // JPEG has no transparency: a PNG, GIF or WebP keeps its own kind's look as PNG.
      const output = type === 'image/jpeg' ? (this.opts.thumbnailType ?? 'image/jpeg') : 'image/png';
      return URL.createObjectURL(await canvas.convertToBlob({ type: output, quality: 0.8 }));
    } finally {
      bitmap.close();
    }
  }
}
