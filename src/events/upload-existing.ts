import type { UploadApiResponse, UploadParams } from '../protocol/params.js';
import type { FileSummary } from './file-summary.js';

/**
 * The server already had an asset at this file's public ID and kept it (`response.existing` is true, `response`
 * describes the stored asset): this file's bytes were not stored. Fired instead of `signet-upload-success` unless the
 * element has `existing-as-success`.
 */
export class SignetUploadExistingEvent extends Event {
  static readonly eventName = 'signet-upload-existing';
  readonly file: FileSummary;
  readonly response: UploadApiResponse;
  /** The options of this file as sent. */
  readonly params: UploadParams;

  constructor(file: FileSummary, response: UploadApiResponse, params: UploadParams) {
    super(SignetUploadExistingEvent.eventName, { bubbles: true, composed: true });
    this.file = file;
    this.response = response;
    this.params = params;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'signet-upload-existing': SignetUploadExistingEvent;
  }
}
