import type { UploadApiResponse } from '../protocol/params.js';
import type { FileSummary } from './file-summary.js';

/** One file was stored; `response` is the upload endpoint's JSON as it arrived. */
export class SignetUploadSuccessEvent extends Event {
  static readonly eventName = 'signet-upload-success';
  readonly file: FileSummary;
  readonly response: UploadApiResponse;

  constructor(file: FileSummary, response: UploadApiResponse) {
    super(SignetUploadSuccessEvent.eventName, { bubbles: true, composed: true });
    this.file = file;
    this.response = response;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'signet-upload-success': SignetUploadSuccessEvent;
  }
}
