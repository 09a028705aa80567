/**
 * The element's typed events and Uppy's own, told to the page's callback the way Cloudinary's widget tells them:
 * `callback(error, {event, info})` with Cloudinary's event names and `info` shapes. Pure builders first, then the
 * listener that wires one element (and each Uppy it runs) to the callback.
 */
import type { Body, Meta, Uppy, UppyFile } from '@uppy/core';
import type { SignetBatchCancelledEvent } from '../events/batch-cancelled.js';
import type { FileSummary, UploadOutcome } from '../events/file-summary.js';
import type { SignetOptionsChangeEvent } from '../events/options-change.js';
import type { SignetQueueCompleteEvent } from '../events/queue-complete.js';
import type { SignetUploadErrorEvent } from '../events/upload-error.js';
import type { SignetUploadSuccessEvent } from '../events/upload-success.js';
import type { UploadApiResponse } from '../protocol/params.js';
import type { SignetUploader } from '../uploader/uploader.js';
import { CLOUDINARY_API } from './options.js';

/** What the callback's second argument is. `info` is absent where Cloudinary sends none (`queues-start`, `close`). */
export interface WidgetResult {
  event: string;
  info?: unknown;
}

/** The callback's first argument when a file failed (Cloudinary's `{status, statusText}`), plus our stable `code`. */
export interface WidgetError {
  status: string;
  statusText: string;
  code: string;
}

export type WidgetCallback = (error: WidgetError | null, result: WidgetResult) => void;

/** Cloudinary's `success` info: the upload response, with the fields its widget adds. */
export interface SuccessInfo extends UploadApiResponse {
  /** The file's id in this widget (the id in `upload-added`, `abort`, `queues-end`). */
  id: string;
  batchId: string;
  /** `v<version>/<public id>.<format>`: what Cloudinary's form input and SDKs' preloaded files carry. */
  path: string;
  thumbnail_url?: string;
}

export function successInfo(file: FileSummary, response: UploadApiResponse, batchId: string, uploadUrl: string) {
  const info: SuccessInfo = { ...response, id: file.id, batchId, path: pathOf(response) };
  const thumbnail = thumbnailOf(response, uploadUrl);
  if (thumbnail) info.thumbnail_url = thumbnail;
  return info;
}

export function pathOf(response: Pick<UploadApiResponse, 'version' | 'public_id' | 'format'>): string {
  const { public_id: id, format } = response;
  const named = format && !id.endsWith(`.${format}`) ? `${id}.${format}` : id;
  return `v${response.version}/${named}`;
}

/** Cloudinary's thumbnail is a 90×60 transformation of the image; a Signet server delivers the image itself. */
function thumbnailOf(response: UploadApiResponse, uploadUrl: string): string | undefined {
  if (response.resource_type !== 'image' || !response.secure_url) return undefined;
  return uploadUrl === CLOUDINARY_API
    ? response.secure_url.replace('/upload/', '/upload/c_limit,h_60,w_90/')
    : response.secure_url;
}

/** One file of `queues-end` and `show-completed`, as Cloudinary lists the queue's items. */
export interface QueueItem {
  id: string;
  batchId: string;
  name: string;
  size: number;
  type: string;
  done: boolean;
  failed: boolean;
  progress: number;
  file: { name: string; size: number; type: string };
  uploadInfo?: SuccessInfo;
  error?: { code: string; message: string };
}

export function queueItem(outcome: UploadOutcome, batchId: string, uploadUrl: string): QueueItem {
  const { file } = outcome;
  const item: QueueItem = {
    id: file.id,
    batchId,
    name: file.name,
    size: file.size,
    type: file.type,
    done: true,
    failed: outcome.status === 'refused' || outcome.status === 'failed',
    progress: outcome.status === 'success' || outcome.status === 'existing' ? 100 : 0,
    file: { name: file.name, size: file.size, type: file.type },
  };
  if ('response' in outcome) item.uploadInfo = successInfo(file, outcome.response, batchId, uploadUrl);
  else item.error = { code: outcome.error.code, message: outcome.error.message };
  return item;
}

export function uploadAddedInfo(file: Pick<UppyFile<Meta, Body>, 'id' | 'name' | 'size' | 'type' | 'data'>) {
  const data = file.data as Partial<File> | undefined;
  const lastModified = typeof data?.lastModified === 'number' ? data.lastModified : undefined;
  return {
    file: {
      lastModified,
      lastModifiedDate: lastModified === undefined ? undefined : new Date(lastModified),
      name: file.name ?? '',
      size: file.size ?? 0,
      type: file.type ?? '',
    },
    // Cloudinary's name for the widget's own id of the file (`uw-file3` there).
    publicId: file.id,
    id: file.id,
  };
}

/** Uppy's panel ids → Cloudinary's source names. */
const SOURCE_OF_PANEL: Readonly<Record<string, string>> = { Url: 'url', Dropbox: 'dropbox' };

export interface EventsHost {
  emit: WidgetCallback;
  /** The upload URL in force (for thumbnails). */
  uploadUrl(): string;
  /** Also told of each success (page integrations: form input, thumbnail). */
  onSuccess(info: SuccessInfo): void;
  /** Also told when a run ends. */
  onQueuesEnd(items: QueueItem[]): void;
  /** Also told when uploading starts (autoMinimize). */
  onQueuesStart(): void;
  /** Uppy's `upload` with its files (preBatch). */
  onRun(uppy: Uppy<Meta, Body>, files: UppyFile<Meta, Body>[]): void;
}

/** Listens to one element (and whichever Uppy it runs); the returned function stops listening. */
export function listen(el: SignetUploader, host: EventsHost): () => void {
  const emit = (event: string, info?: unknown) => host.emit(null, info === undefined ? { event } : { event, info });
  let options = el.options;
  // Cloudinary's `batchId`: files chosen together share one.
  const batches = new Map<string, string>();
  let batchCount = 0;
  const batchOf = (fileId: string) => batches.get(fileId) ?? '';
  const addBatch = (files: readonly { id: string }[]) => {
    const batch = `batch-${++batchCount}`;
    for (const file of files) batches.set(file.id, batch);
  };
  const listeners: [string, (event: Event) => void][] = [
    [
      'signet-upload-success',
      (e) => {
        const { file, response } = e as SignetUploadSuccessEvent;
        const info = successInfo(file, response, batchOf(file.id), host.uploadUrl());
        emit('success', info);
        host.onSuccess(info);
      },
    ],
    [
      'signet-upload-error',
      (e) => {
        const { file, error } = e as SignetUploadErrorEvent;
        host.emit(
          { status: error.message, statusText: error.message, code: error.code },
          { event: 'error', info: { id: file.id, name: file.name, code: error.code, message: error.message } },
        );
      },
    ],
    [
      'signet-queue-complete',
      (e) => {
        const items = (e as SignetQueueCompleteEvent).outcomes.map((o) =>
          queueItem(o, batchOf(o.file.id), host.uploadUrl()),
        );
        emit('queues-end', { files: items });
        host.onQueuesEnd(items);
      },
    ],
    [
      'signet-batch-cancelled',
      (e) => {
        const { reason, message } = e as SignetBatchCancelledEvent;
        emit('batch-cancelled', { reason, message });
      },
    ],
    [
      'signet-options-change',
      (e) => {
        const next = (e as SignetOptionsChangeEvent).options;
        if (next.publicId !== options.publicId) emit('publicid', { id: next.publicId });
        if (next.tags.join(',') !== options.tags.join(',')) emit('tags', { tags: [...next.tags] });
        options = next;
      },
    ],
  ];
  for (const [name, listener] of listeners) el.addEventListener(name, listener);

  let bound: Uppy<Meta, Body> | undefined;
  let unbind = () => {};
  let stopped = false;
  const bind = async () => {
    const { uppy } = await el.ready;
    if (stopped || uppy === bound) return;
    unbind();
    bound = uppy;
    unbind = listenToUppy(uppy, host, emit, addBatch, () => queueMicrotask(() => void bind()));
  };
  void bind();
  return () => {
    stopped = true;
    unbind();
    for (const [name, listener] of listeners) el.removeEventListener(name, listener);
  };
}

/**
 * Uppy's events that the element does not turn into its own: files added, runs starting, aborts, retries, the source
 * tab. `rebound` runs at every cancel-all: the element destroys an Uppy that way before building a new one.
 */
function listenToUppy(
  uppy: Uppy<Meta, Body>,
  host: EventsHost,
  emit: (event: string, info?: unknown) => void,
  addBatch: (files: readonly { id: string }[]) => void,
  rebound: () => void,
): () => void {
  let cancellingAll = false;
  let maxTold = false;
  const uploading = () =>
    uppy
      .getFiles()
      .filter((f) => f.progress.uploadStarted && !f.progress.uploadComplete)
      .map((f) => f.id);
  const handlers = {
    'files-added': (files: UppyFile<Meta, Body>[]) => addBatch(files),
    'file-added': (file: UppyFile<Meta, Body>) => emit('upload-added', uploadAddedInfo(file)),
    upload: (_id: string, files: UppyFile<Meta, Body>[]) => {
      host.onRun(uppy, files);
      emit('queues-start');
      host.onQueuesStart();
    },
    'cancel-all': () => {
      const ids = uploading();
      if (ids.length) emit('abort', { ids, all: true });
      cancellingAll = true;
      queueMicrotask(() => {
        cancellingAll = false;
      });
      rebound();
    },
    'file-removed': (file: UppyFile<Meta, Body>) => {
      if (!cancellingAll && file.progress.uploadStarted && !file.progress.uploadComplete)
        emit('abort', { ids: [file.id], all: false });
    },
    'upload-retry': (file: UppyFile<Meta, Body> | undefined) => {
      if (file) emit('retry', { ids: [file.id], all: false });
    },
    'retry-all': (files: UppyFile<Meta, Body>[]) => emit('retry', { ids: files.map((f) => f.id), all: true }),
    'restriction-failed': (file: UppyFile<Meta, Body> | undefined) => {
      // Cloudinary cancels a batch over `maxFiles` as a whole: told once per pick.
      const max = uppy.opts.restrictions.maxNumberOfFiles;
      if (maxTold || !max || (file && uppy.getFiles().length < max)) return;
      maxTold = true;
      queueMicrotask(() => {
        maxTold = false;
      });
      emit('batch-cancelled', { reason: 'MAX_EXCEEDED' });
    },
    'dashboard:show-panel': (id: string) => emit('source-changed', { source: SOURCE_OF_PANEL[id] ?? id }),
    'dashboard:close-panel': () => emit('source-changed', { source: 'local' }),
  };
  // Uppy's event map does not know the Dashboard's events; these are its documented names and arguments.
  const on = uppy.on.bind(uppy) as unknown as (name: string, handler: (...args: never[]) => void) => void;
  const off = uppy.off.bind(uppy) as unknown as (name: string, handler: (...args: never[]) => void) => void;
  for (const [name, handler] of Object.entries(handlers)) on(name, handler);
  return () => {
    for (const [name, handler] of Object.entries(handlers)) off(name, handler);
  };
}
