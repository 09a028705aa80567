/**
 * The Uppy uploader that hands each file to an `UploadBackend`. It replaces @uppy/xhr-upload, whose form mode
 * re-slices every File before sending it (see backends/xhr.ts), and it is where signing fits: backends sign per
 * file, just before sending.
 */
import { BasePlugin, type Body, EventManager, type Meta, type Uppy, type UppyFile } from '@uppy/core';
import { filterFilesToEmitUploadStarted, filterFilesToUpload } from '@uppy/core/utils';
import type { UploadBackend } from '../backends/backend.js';
import { UploadError } from '../errors.js';
import type { UploadApiResponse, UploadParams } from '../protocol/params.js';

export interface SignetUploadPluginOptions {
  id?: string;
  getBackend(): UploadBackend;
  /** The parameters of file `index` (1-based) of the `count` files in this upload run. */
  getParams(file: UppyFile<Meta, Body>, index: number, count: number): UploadParams;
  /** Files sent at once. */
  limit: number;
}

export class SignetUploadPlugin<M extends Meta, B extends Body> extends BasePlugin<SignetUploadPluginOptions, M, B> {
  constructor(uppy: Uppy<M, B>, opts: SignetUploadPluginOptions) {
    super(uppy, opts);
    this.id = opts.id ?? 'SignetUpload';
    this.type = 'uploader';
  }

  override install(): void {
    this.uppy.addUploader(this.#handleUpload);
  }

  override uninstall(): void {
    this.uppy.removeUploader(this.#handleUpload);
  }

  #handleUpload = async (fileIDs: string[]): Promise<void> => {
    const files = filterFilesToUpload(this.uppy.getFilesByIds(fileIDs));
    this.uppy.emit('upload-start', filterFilesToEmitUploadStarted(files));
    // Parameters are fixed for the whole run before the first request, so counter suffixes follow the added order.
    const queue = files.map((file, i) => ({
      file,
      params: this.opts.getParams(file as UppyFile<Meta, Body>, i + 1, files.length),
    }));
    for (const { file, params } of queue) this.uppy.setFileMeta(file.id, { signetParams: params } as unknown as M);
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await this.#uploadOne(next.file, next.params);
    };
    await Promise.all(Array.from({ length: Math.max(1, this.opts.limit) }, worker));
  };

  async #uploadOne(file: UppyFile<M, B>, params: UploadParams): Promise<void> {
    const events = new EventManager(this.uppy);
    const controller = new AbortController();
    events.onFileRemove(file.id, () => controller.abort());
    events.onCancelAll(file.id, () => controller.abort());
    try {
      const response = await this.opts.getBackend().upload({
        file: file.data as Blob,
        name: file.name ?? 'file',
        params,
        signal: controller.signal,
        onProgress: (bytesUploaded, bytesTotal) => {
          const current = this.uppy.getFile(file.id);
          if (!current) return;
          this.uppy.emit('upload-progress', current, {
            uploadStarted: current.progress.uploadStarted ?? Date.now(),
            bytesUploaded,
            bytesTotal,
          });
        },
      });
      this.uppy.emit('upload-success', this.uppy.getFile(file.id), {
        status: 200,
        body: response as unknown as B,
        uploadURL: (response as UploadApiResponse).secure_url,
      });
    } catch (cause) {
      if (controller.signal.aborted) return;
      const error =
        cause instanceof UploadError
          ? cause
          : new UploadError('INTERNAL', cause instanceof Error ? cause.message : String(cause), { cause });
      this.uppy.emit('upload-error', this.uppy.getFile(file.id), error);
    } finally {
      events.remove();
    }
  }
}
