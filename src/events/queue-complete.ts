import type { UploadOutcome } from './file-summary.js';

/** Every file of an upload run has finished, successfully or not. */
export class SignetQueueCompleteEvent extends Event {
  static readonly eventName = 'signet-queue-complete';
  readonly outcomes: readonly UploadOutcome[];

  constructor(outcomes: readonly UploadOutcome[]) {
    super(SignetQueueCompleteEvent.eventName, { bubbles: true, composed: true });
    this.outcomes = outcomes;
  }

  get successful(): number {
    return this.outcomes.filter((o) => o.status === 'success').length;
  }

  get failed(): number {
    return this.outcomes.filter((o) => o.status === 'error').length;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'signet-queue-complete': SignetQueueCompleteEvent;
  }
}
