import type { BatchCancelReason } from '../options/options.js';

/** Files were refused before any upload began, e.g. the public ID is invalid (Cloudinary's `batch-cancelled`). */
export class SignetBatchCancelledEvent extends Event {
  static readonly eventName = 'signet-batch-cancelled';
  readonly reason: BatchCancelReason;
  /** For people: what was wrong. */
  readonly message: string;

  constructor(reason: BatchCancelReason, message: string) {
    super(SignetBatchCancelledEvent.eventName, { bubbles: true, composed: true });
    this.reason = reason;
    this.message = message;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'signet-batch-cancelled': SignetBatchCancelledEvent;
  }
}
