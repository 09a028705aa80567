import type { UploadApiResponse, UploadParams } from '../protocol/params.js';

/** One file to send, with the options in force for it (not yet signed). */
export interface UploadTask {
  /** The file exactly as the person chose it: backends send it as is, never a re-sliced copy. */
  file: Blob;
  name: string;
  params: UploadParams;
  signal: AbortSignal;
  onProgress(bytesSent: number, bytesTotal: number): void;
}

/**
 * The browser side of a pluggable backend: stores one file and resolves with the server's answer, or rejects with
 * an `UploadError`. Set a custom one on the element's `backend` property.
 */
export interface UploadBackend {
  upload(task: UploadTask): Promise<UploadApiResponse>;
}
