/**
 * The results' lines and summary, in the person's words (see results.ts for the container). Loaded with Uppy.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { RetryWait } from '../backends/retry.js';
import type { RemovedMetadata } from '../content/metadata.js';
import { isRetryable, type UploadError } from '../errors.js';
import type { FileSummary, UploadOutcome } from '../events/file-summary.js';
import type { SignetLocale } from '../locales/en.js';
import { fill, formatNumber } from '../locales/fill.js';
import type { Result, ResultActions, ResultsView } from './results.js';

export type { Result } from './results.js';

export function outcomeFor(file: FileSummary, error: UploadError): UploadOutcome {
  return isRetryable(error.code) ? { status: 'failed', file, error } : { status: 'refused', file, error };
}

/**
 * "3 uploaded, 1 already existed, 1 not accepted, 1 not added" (parts in that order, empty ones left out): "not
 * accepted" is the server's refusal of a file sent, "not added" what never joined the queue. While a run of
 * `running` files is under way, "Uploading 3 files…": the same words until it ends, so it is announced once, unless
 * the network stops it meanwhile (`network`): then why, until bytes move again.
 */
export function summarize(
  results: readonly Result[],
  locale: SignetLocale,
  running = 0,
  network: RetryWait | null = null,
): string {
  const strings = locale.outcomes;
  if (running > 0 && network) return locale.network[network];
  if (running > 0)
    return running === 1 ? strings.uploadingOne : fill(strings.uploadingMany, { count: running }, locale.language);
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
    .map(([n, text]) => fill(text, { count: n }, locale.language))
    .join(', ');
}

/**
 * What the person sees of a file's end: an existing asset is shown as such even where the page counts it as a
 * success (`existing-as-success`).
 */
function shownStatus(outcome: UploadOutcome): UploadOutcome['status'] {
  return outcome.status === 'success' && outcome.response.existing === true ? 'existing' : outcome.status;
}

/** The lines' look: adopted into the element's shadow root with Uppy's sheet (see uppy-runtime.ts). */
export const resultsStyles = css`
  [part='results'] {
    margin-top: calc(var(--signet-spacing) * 0.5);
    font-size: 15px;
    line-height: 1.4;
  }
  [part='results'].empty {
    margin: 0;
  }
  .results-head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: 0.3em 1em;
  }
  [part='summary'] {
    margin: 0;
    font-weight: 600;
  }
  [part='results-list'] {
    list-style: none;
    margin: calc(var(--signet-spacing) * 0.35) 0 0;
    padding: 0;
    display: grid;
    gap: calc(var(--signet-spacing) * 0.35);
  }
  [part~='result'] {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr) auto auto;
    align-items: baseline;
    gap: 0.15em 0.6em;
    padding: calc(var(--signet-spacing) * 0.45) calc(var(--signet-spacing) * 0.6);
    border: 1px solid var(--signet-border);
    border-inline-start: 4px solid var(--signet-success);
    border-radius: var(--signet-radius);
    background: var(--signet-background);
  }
  [part~='result-existing'],
  [part~='result-held'] {
    border-inline-start-color: var(--signet-warning);
  }
  [part~='result-refused'],
  [part~='result-failed'] {
    border-inline-start-color: var(--signet-danger);
  }
  .state {
    font-weight: 600;
    white-space: nowrap;
    color: var(--signet-success);
  }
  [part~='result-existing'] .state,
  [part~='result-held'] .state {
    color: var(--signet-warning);
  }
  [part~='result-refused'] .state,
  [part~='result-failed'] .state {
    color: var(--signet-danger);
  }
  .name {
    overflow-wrap: anywhere;
    font-weight: 500;
  }
  .detail {
    color: var(--signet-muted);
    font-size: 0.85em;
    overflow-wrap: anywhere;
    text-align: end;
  }
  .message {
    grid-column: 1 / -1;
    margin: 0;
  }
  .advice {
    color: var(--signet-muted);
  }
  [part~='result-action'],
  [part='clear-results'] {
    font: inherit;
    font-size: 0.9em;
    border-radius: calc(var(--signet-radius) * 0.7);
    cursor: pointer;
    padding: 0.3em 0.8em;
  }
  [part~='result-action'] {
    grid-column: 1 / -1;
    justify-self: start;
    border: 0;
    background: var(--signet-accent);
    color: var(--signet-on-accent);
  }
  [part~='result-action'].quiet {
    grid-column: auto;
    justify-self: end;
    border: 1px solid var(--signet-border);
    background: var(--signet-background);
    color: var(--signet-text);
  }
  [part='clear-results'] {
    border: 1px solid var(--signet-border);
    background: var(--signet-background);
    color: inherit;
  }
  [part~='result-action']:focus-visible,
  [part='clear-results']:focus-visible {
    outline: 2px solid var(--signet-accent);
    outline-offset: 2px;
  }
  @media (max-width: 480px) {
    [part~='result'] {
      grid-template-columns: auto minmax(0, 1fr);
    }
    .detail {
      grid-column: 1 / -1;
      text-align: start;
    }
  }
`;

export const resultsView: ResultsView = {
  summary: summarize,
  items: (results, strings, actions) =>
    results.map((result) =>
      result.kind === 'held' ? heldItem(result, strings, actions) : outcomeItem(result, strings, actions),
    ),
};

/** "Location and device details removed": what left the photo before upload, most sensitive first. */
function removedWords(removed: readonly RemovedMetadata[], strings: SignetLocale): string {
  const words = strings.photos;
  if (removed.includes('location')) return removed.includes('device') ? words.locationAndDevice : words.location;
  return removed.includes('device') ? words.device : words.other;
}

/** "Resized from 4000 × 3000 to 1600 × 1200 pixels before upload." */
function resizedWords(resized: NonNullable<FileSummary['resized']>, strings: SignetLocale): string {
  const size = (width: number, height: number) =>
    `${formatNumber(width, strings.language)} × ${formatNumber(height, strings.language)}`;
  return fill(
    strings.photos.resized,
    { from: size(resized.originalWidth, resized.originalHeight), to: size(resized.width, resized.height) },
    strings.language,
  );
}

/** `part` of a line: `result` and `result-<how it ended>`, so a page can style each with `::part()`. */
const linePart = (status: string) => `result result-${status}`;

function outcomeItem(
  result: Extract<Result, { kind: 'outcome' }>,
  strings: SignetLocale,
  actions: ResultActions,
): TemplateResult {
  const { outcome } = result;
  const s = strings.outcomes;
  const language = strings.language;
  if (outcome.status === 'success' || outcome.status === 'existing') {
    const existing = shownStatus(outcome) === 'existing';
    const status = existing ? 'existing' : 'success';
    // A file uploaded with a delete token can be deleted from the server (which also takes it out of the value).
    const token = outcome.status === 'success' && (outcome.response as { delete_token?: unknown }).delete_token;
    // An uploaded file of a form field is part of its value: the person can take it out again.
    const remove = token
      ? html`<button
          type="button"
          part="result-action"
          class="quiet"
          aria-label=${fill(s.deleteLabel, { name: outcome.file.name }, language)}
          @click=${() => actions.deleteUploaded(result.key)}
        >
          ${s.delete}
        </button>`
      : actions.removable && outcome.status === 'success'
        ? html`<button
            type="button"
            part="result-action"
            class="quiet"
            aria-label=${fill(s.removeLabel, { name: outcome.file.name }, language)}
            @click=${() => actions.remove(result.key)}
          >
            ${s.remove}
          </button>`
        : nothing;
    return html`<li part=${linePart(status)} data-status=${status} data-file-id=${outcome.file.id}>
      <span class="state">${existing ? s.existing : s.uploaded}</span>
      <span class="name">${outcome.file.name}</span>
      <span class="detail">${outcome.response.public_id}</span>${remove}
      ${existing ? html`<p class="message">${s.existingDetail}</p>` : nothing}
      ${!existing && outcome.file.removed?.length ? html`<p class="message removed">${removedWords(outcome.file.removed, strings)}</p>` : nothing}
      ${!existing && outcome.file.converted ? html`<p class="message converted">${strings.photos.converted}</p>` : nothing}
      ${!existing && outcome.file.resized ? html`<p class="message resized">${resizedWords(outcome.file.resized, strings)}</p>` : nothing}
    </li>`;
  }
  const { error } = outcome;
  const advice = (strings.advice as Record<string, string>)[error.code];
  const retry =
    outcome.status === 'failed' && actions.queued(outcome.file.id)
      ? html`<button
          type="button"
          part="result-action"
          aria-label=${fill(s.retryLabel, { name: outcome.file.name }, language)}
          @click=${() => actions.retry(outcome.file.id)}
        >
          ${s.retry}
        </button>`
      : nothing;
  const label = outcome.status === 'failed' ? s.failed : result.before ? s.notAdded : s.refused;
  return html`<li
    part=${linePart(outcome.status)}
    data-status=${outcome.status}
    data-file-id=${outcome.file.id}
    data-code=${error.code}
  >
    <span class="state">${label}</span>
    <span class="name">${outcome.file.name}</span>
    <span class="detail">${fill(s.code, { code: error.code }, language)}</span>
    <p class="message">${error.message}${advice ? html` <span class="advice">${advice}</span>` : nothing}</p>
    ${retry}
  </li>`;
}

function heldItem(result: Extract<Result, { kind: 'held' }>, strings: SignetLocale, actions: ResultActions) {
  const f = strings.folders;
  const language = strings.language;
  const files = result.files.length === 1 ? f.fileOne : fill(f.fileMany, { count: result.files.length }, language);
  return html`<li part=${linePart('held')} data-status="held" data-folder=${result.folder} data-code=${result.error.code}>
    <span class="state">${strings.outcomes.notAdded}</span>
    <span class="name">${result.folder}/</span>
    <p class="message">${fill(f.held, { folder: result.folder, files }, language)}</p>
    ${
      result.suggestion
        ? html`<button type="button" part="result-action" @click=${() => actions.fix(result.key)}>
            ${fill(f.fix, { suggestion: result.suggestion }, language)}
          </button>`
        : nothing
    }
  </li>`;
}
