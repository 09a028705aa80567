import type { RemovedMetadata } from '../content/metadata.js';
import type { UploadError } from '../errors.js';
import type { UploadApiResponse } from '../protocol/params.js';

/** What events say about a file: plain data, no Uppy internals. */
export interface FileSummary {
  id: string;
  name: string;
  size: number;
  type: string;
  /** What the browser removed from the file before sending it (`keep-metadata` off); absent when nothing. */
  removed?: RemovedMetadata[];
  /** The photo was made smaller before sending (`max-image-width`, `max-image-height`): its sizes then and now. */
  resized?: { width: number; height: number; originalWidth: number; originalHeight: number };
  /** The browser converted the photo before sending it (HEIC to JPEG): the types then and now. */
  converted?: { from: string; to: string };
  /**
   * The person cropped the photo (`crop`): the file sent is the cropped image; this is where it lay in the original,
   * in the original's pixels, or null when it was also turned or mirrored.
   */
  cropped?: { x: number; y: number; width: number; height: number } | null;
}

/**
 * How one file ended, keyed on `status`:
 * - `success`: stored;
 * - `existing`: the server already had an asset at this public ID and kept it (`response.existing`); this file's
 *   bytes were not stored. Reported as `success` only with the element's `existing-as-success`;
 * - `refused`: the browser or the server refused it, and sending it again would be refused again (`error.code`);
 * - `failed`: it did not arrive (network, server trouble, an aged signature), and the person may retry it.
 */
export type UploadOutcome =
  | { status: 'success'; file: FileSummary; response: UploadApiResponse }
  | { status: 'existing'; file: FileSummary; response: UploadApiResponse }
  | { status: 'refused'; file: FileSummary; error: UploadError }
  | { status: 'failed'; file: FileSummary; error: UploadError };
