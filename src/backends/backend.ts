import type { UploadApiResponse, UploadParams } from '../protocol/params.js';
import type { RetryWait } from './retry.js';

/** One file to send, with the options in force for it (not yet signed). */
export interface UploadTask {
  /** The file exactly as the person chose it: backends send it as is, never a re-sliced copy. */
  file: Blob;
  name: string;
  params: UploadParams;
  signal: AbortSignal;
  onProgress(bytesSent: number, bytesTotal: number): void;
  /** A chunked upload to continue (after a page reload): what `onSession` reported when it began. */
  resume?: ChunkSession;
  /** Told when a chunked upload opens its session, so the page can offer to resume it after a reload. */
  onSession?(session: ChunkSession): void;
  /** Told when a failed request waits (offline, or its backoff) before it is tried again; null once the server answers. */
  onWait?(wait: RetryWait | null): void;
}

/** A chunked upload's session on the server: its id and the chunk size its ranges were cut with. */
export interface ChunkSession {
  uploadId: string;
  chunkSize: number;
}

/**
 * The browser side of a pluggable backend: stores one file and resolves with the server's answer, or rejects with
 * an `UploadError`. Set a custom one on the element's `backend` property.
 */
export interface UploadBackend {
  upload(task: UploadTask): Promise<UploadApiResponse>;
  /**
   * For files a server fetches on our behalf (Companion: Web URL, Dropbox): where to POST them and the signed form
   * fields to send with them. Backends without it cannot take remote files.
   */
  remoteTarget?(task: RemoteTask): Promise<RemoteTarget>;
}

export interface RemoteTask {
  name: string;
  params: UploadParams;
  signal: AbortSignal;
}

export interface RemoteTarget {
  endpoint: string;
  fields: Record<string, string>;
}
