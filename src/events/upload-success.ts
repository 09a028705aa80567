import type { UploadApiResponse, UploadParams } from '../protocol/params.js';
import type { FileSummary } from './file-summary.js';

/** One file was stored; `response` is the upload endpoint's JSON as it arrived, `params` what was signed for it. */
export class SignetUploadSuccessEvent extends Event {
  static readonly eventName = 'signet-upload-success';
  readonly file: FileSummary;
  readonly response: UploadApiResponse;
  /** The options of this file as sent: public ID (with its counter suffix), folder, tags, preset, context. */
  readonly params: UploadParams;

  constructor(file: FileSummary, response: UploadApiResponse, params: UploadParams) {
    super(SignetUploadSuccessEvent.eventName, { bubbles: true, composed: true });
    this.file = file;
    this.response = response;
    this.params = params;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'signet-upload-success': SignetUploadSuccessEvent;
  }
}
