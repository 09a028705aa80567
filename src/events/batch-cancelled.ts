import type { BatchCancelReason } from '../options/options.js';
import type { FileSummary } from './file-summary.js';

/**
 * Files were refused before any upload began (Cloudinary's `batch-cancelled`): the whole batch when an option is
 * invalid, or only the files under a sub-folder whose name is refused (`files` lists them; the rest went ahead).
 */
export class SignetBatchCancelledEvent extends Event {
  static readonly eventName = 'signet-batch-cancelled';
  readonly reason: BatchCancelReason;
  /** For people: what was wrong. */
  readonly message: string;
  /** The files held back; empty when the whole batch was refused before any file was added. */
  readonly files: readonly FileSummary[];

  constructor(reason: BatchCancelReason, message: string, files: readonly FileSummary[] = []) {
    super(SignetBatchCancelledEvent.eventName, { bubbles: true, composed: true });
    this.reason = reason;
    this.message = message;
    this.files = files;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'signet-batch-cancelled': SignetBatchCancelledEvent;
  }
}
