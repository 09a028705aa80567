import type { UploadOutcome } from './file-summary.js';

/**
 * Every file of an upload run has finished; `outcomes` has one entry per file the person chose for it, including
 * files refused before the upload began.
 */
export class SignetQueueCompleteEvent extends Event {
  static readonly eventName = 'signet-queue-complete';
  readonly outcomes: readonly UploadOutcome[];

  constructor(outcomes: readonly UploadOutcome[]) {
    super(SignetQueueCompleteEvent.eventName, { bubbles: true, composed: true });
    this.outcomes = outcomes;
  }

  /** Files stored. */
  get successful(): number {
    return this.#count('success');
  }

  /** Files whose public ID was already taken: the stored asset was kept (see `existing-as-success`). */
  get existing(): number {
    return this.#count('existing');
  }

  /** Files refused for good (type, size, name, permission …). */
  get refused(): number {
    return this.#count('refused');
  }

  /** Files that may succeed on a retry. */
  get failed(): number {
    return this.#count('failed');
  }

  #count(status: UploadOutcome['status']): number {
    return this.outcomes.filter((o) => o.status === status).length;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'signet-queue-complete': SignetQueueCompleteEvent;
  }
}
