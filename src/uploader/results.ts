/**
 * What the person is told about each file once it has ended: one line per file with its state and its own words,
 * kept until the next batch begins (never a toast that fades). Uppy's Dashboard holds the work still to do (the
 * queue, and failures a retry can cure); everything that has ended lives here. The summary line is the element's one
 * polite live region, so each change is announced once.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { isRetryable, type UploadError } from '../errors.js';
import type { FileSummary, UploadOutcome } from '../events/file-summary.js';
import { fill, type SignetLocale } from '../locales/en.js';

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
  /** Whether the file is still in the queue (a retry needs it there). */
  queued(fileId: string): boolean;
}

export function outcomeFor(file: FileSummary, error: UploadError): UploadOutcome {
  return isRetryable(error.code) ? { status: 'failed', file, error } : { status: 'refused', file, error };
}

/**
 * "3 uploaded, 1 already existed, 1 not accepted, 1 not added" (parts in that order, empty ones left out): "not
 * accepted" is the server's refusal of a file sent, "not added" what never joined the queue.
 */
export function summarize(results: readonly Result[], strings: SignetLocale['outcomes']): string {
  const count = { success: 0, existing: 0, refused: 0, notAdded: 0, failed: 0, held: 0 };
  for (const result of results) {
    if (result.kind === 'held') count.held += result.files.length;
    else if (result.before) count.notAdded++;
    else count[shownStatus(result.outcome)]++;
  }
  const parts: [number, string][] = [
    [count.success, strings.summaryUploaded],
    [count.existing, strings.summaryExisting],
    [count.refused, strings.summaryRefused],
    [count.notAdded, strings.summaryNotAdded],
    [count.held, strings.summaryHeld],
    [count.failed, strings.summaryFailed],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, text]) => fill(text, { count: n }))
    .join(', ');
}

/**
 * What the person sees of a file's end: an existing asset is shown as such even where the page counts it as a
 * success (`existing-as-success`).
 */
function shownStatus(outcome: UploadOutcome): UploadOutcome['status'] {
  return outcome.status === 'success' && outcome.response.existing === true ? 'existing' : outcome.status;
}

/**
 * The results: a summary line, then one item per file. The summary paragraph is rendered even when empty: a live
 * region must be in the page before its text changes, or the first change goes unheard.
 */
export function renderResults(
  results: readonly Result[],
  strings: SignetLocale,
  actions: ResultActions,
): TemplateResult {
  const summary = summarize(results, strings.outcomes);
  return html`<div part="results" class=${results.length ? '' : 'empty'}>
    <div class="results-head">
      <p part="summary" role="status" aria-live="polite">${summary}</p>
      ${
        results.length
          ? html`<button type="button" part="clear-results" @click=${actions.clear}>${strings.outcomes.clear}</button>`
          : nothing
      }
    </div>
    ${
      results.length
        ? html`<ul part="results-list" aria-label=${strings.outcomes.heading}>
            ${results.map((result) =>
              result.kind === 'held' ? heldItem(result, strings, actions) : outcomeItem(result, strings, actions),
            )}
          </ul>`
        : nothing
    }
  </div>`;
}

function outcomeItem(
  result: Extract<Result, { kind: 'outcome' }>,
  strings: SignetLocale,
  actions: ResultActions,
): TemplateResult {
  const { outcome } = result;
  const s = strings.outcomes;
  if (outcome.status === 'success' || outcome.status === 'existing') {
    const existing = shownStatus(outcome) === 'existing';
    return html`<li data-status=${existing ? 'existing' : 'success'} data-file-id=${outcome.file.id}>
      <span class="state">${existing ? s.existing : s.uploaded}</span>
      <span class="name">${outcome.file.name}</span>
      <span class="detail">${outcome.response.public_id}</span>
      ${existing ? html`<p class="message">${s.existingDetail}</p>` : nothing}
    </li>`;
  }
  const { error } = outcome;
  const advice = (strings.advice as Record<string, string>)[error.code];
  const retry =
    outcome.status === 'failed' && actions.queued(outcome.file.id)
      ? html`<button
          type="button"
          class="action"
          aria-label=${fill(s.retryLabel, { name: outcome.file.name })}
          @click=${() => actions.retry(outcome.file.id)}
        >
          ${s.retry}
        </button>`
      : nothing;
  const label = outcome.status === 'failed' ? s.failed : result.before ? s.notAdded : s.refused;
  return html`<li data-status=${outcome.status} data-file-id=${outcome.file.id} data-code=${error.code}>
    <span class="state">${label}</span>
    <span class="name">${outcome.file.name}</span>
    <span class="detail">${fill(s.code, { code: error.code })}</span>
    <p class="message">${error.message}${advice ? html` <span class="advice">${advice}</span>` : nothing}</p>
    ${retry}
  </li>`;
}

function heldItem(result: Extract<Result, { kind: 'held' }>, strings: SignetLocale, actions: ResultActions) {
  const f = strings.folders;
  const files = result.files.length === 1 ? f.fileOne : fill(f.fileMany, { count: result.files.length });
  return html`<li data-status="held" data-folder=${result.folder} data-code=${result.error.code}>
    <span class="state">${strings.outcomes.notAdded}</span>
    <span class="name">${result.folder}/</span>
    <p class="message">${fill(f.held, { folder: result.folder, files })}</p>
    ${
      result.suggestion
        ? html`<button type="button" class="action" @click=${() => actions.fix(result.key)}>
            ${fill(f.fix, { suggestion: result.suggestion })}
          </button>`
        : nothing
    }
  </li>`;
}
