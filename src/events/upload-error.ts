import type { UploadError } from '../errors.js';
import type { FileSummary } from './file-summary.js';

/** One file failed; `error.code` is one of the closed set in `UploadError`, `error.message` is for people. */
export class SignetUploadErrorEvent extends Event {
  static readonly eventName = 'signet-upload-error';
  readonly file: FileSummary;
  readonly error: UploadError;

  constructor(file: FileSummary, error: UploadError) {
    super(SignetUploadErrorEvent.eventName, { bubbles: true, composed: true });
    this.file = file;
    this.error = error;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'signet-upload-error': SignetUploadErrorEvent;
  }
}
