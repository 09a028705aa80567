import type { UploadError } from '../errors.js';
import type { UploadApiResponse } from '../protocol/params.js';

/** What events say about a file: plain data, no Uppy internals. */
export interface FileSummary {
  id: string;
  name: string;
  size: number;
  type: string;
}

export type UploadOutcome =
  | { status: 'success'; file: FileSummary; response: UploadApiResponse }
  | { status: 'error'; file: FileSummary; error: UploadError };
