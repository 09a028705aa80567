/**
 * What the person is told about each file once it has ended: one line per file with its state and its own words,
 * kept until the next batch begins (never a toast that fades). Uppy's Dashboard holds the work still to do (the
 * queue, and failures a retry can cure); everything that has ended lives here. The summary line is the element's one
 * polite live region, so each change is announced once. This module is the eager part (types and the container with
 * its live region); the lines themselves are drawn by results-view.ts, which loads with Uppy.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { RetryWait } from '../backends/retry.js';
import type { UploadError } from '../errors.js';
import type { UploadOutcome } from '../events/file-summary.js';
import type { SignetLocale } from '../locales/en.js';

/** A file of a held-back sub-folder, kept so the person's one-click fix can add it again under the fixed name. */
export interface HeldFile {
  data: Blob;
  name: string;
  type: string;
  relativePath: string;
}

export type Result =
  /** `before`: refused before it was sent (by the limits, a browser-side check, or a link the server refused). */
  | { kind: 'outcome'; key: string; outcome: UploadOutcome; before: boolean }
  | {
      kind: 'held';
      key: string;
      folder: string;
      suggestion: string | null;
      error: UploadError;
      files: readonly HeldFile[];
    };

export interface ResultActions {
  retry(fileId: string): void;
  fix(key: string): void;
  clear(): void;
  /** Takes an uploaded file out of the results, and so out of the form's value. */
  remove(key: string): void;
  /** Deletes an uploaded file from the server with its delete token, then removes it as `remove` does. */
  deleteUploaded(key: string): void;
  /** Whether the file is still in the queue (a retry needs it there). */
  queued(fileId: string): boolean;
  /** Whether Clear leaves the line (a queued failure; an uploaded file that is a form's value). */
  kept(result: Result): boolean;
  /** Uploaded files can be removed one by one: the element is a form field, and they are its value. */
  removable: boolean;
}

/** Draws the summary and the lines (results-view.ts, loaded with Uppy: there are no results before it). */
export interface ResultsView {
  /** While a run of `running` files uploads, that (or why it is not moving); else how the files ended. */
  summary(results: readonly Result[], strings: SignetLocale, running: number, network: RetryWait | null): string;
  items(results: readonly Result[], strings: SignetLocale, actions: ResultActions): TemplateResult[];
}

/**
 * The results: a summary line, then one item per file. The summary paragraph is rendered even when empty: a live
 * region must be in the page before its text changes, or the first change goes unheard. It says "Uploading 3 files…"
 * once as a run starts and how the files ended once it is over: progress and outcomes, each announced once. While
 * the network is gone it says so ("You are offline…", "Connection lost…"), and returns to the run when it is back.
 */
export function renderResults(
  results: readonly Result[],
  strings: SignetLocale,
  actions: ResultActions,
  view: ResultsView | undefined,
  running: number,
  network: RetryWait | null = null,
): TemplateResult {
  const summary = view?.summary(results, strings, running, network) ?? '';
  return html`<div part="results" class=${results.length || summary ? '' : 'empty'}>
    <div class="results-head">
      <p part="summary" role="status" aria-live="polite">${summary}</p>
      ${
        results.some((result) => !actions.kept(result))
          ? html`<button type="button" part="clear-results" @click=${actions.clear}>${strings.outcomes.clear}</button>`
          : nothing
      }
    </div>
    ${
      results.length && view
        ? html`<ul part="results-list" aria-label=${strings.outcomes.heading}>
            ${view.items(results, strings, actions)}
          </ul>`
        : nothing
    }
  </div>`;
}
