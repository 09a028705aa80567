import { isRetryable, type UploadError } from '../errors.js';
import type { FileSummary } from './file-summary.js';

/**
 * One file was refused or failed; `error.code` is one of the closed set in `UploadError`, `error.message` is for
 * people, `retryable` says whether sending it again can succeed.
 */
export class SignetUploadErrorEvent extends Event {
  static readonly eventName = 'signet-upload-error';
  readonly file: FileSummary;
  readonly error: UploadError;

  constructor(file: FileSummary, error: UploadError) {
    super(SignetUploadErrorEvent.eventName, { bubbles: true, composed: true });
    this.file = file;
    this.error = error;
  }

  /** True when a retry can succeed (the network, a busy server); false for a refusal. */
  get retryable(): boolean {
    return isRetryable(this.error.code);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'signet-upload-error': SignetUploadErrorEvent;
  }
}
