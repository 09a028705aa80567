import type { UploadOptions } from '../options/options.js';

/** The advanced options changed (typed by the person in the panel); `options` holds all current values. */
export class SignetOptionsChangeEvent extends Event {
  static readonly eventName = 'signet-options-change';
  readonly options: UploadOptions;

  constructor(options: UploadOptions) {
    super(SignetOptionsChangeEvent.eventName, { bubbles: true, composed: true });
    this.options = options;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'signet-options-change': SignetOptionsChangeEvent;
  }
}
