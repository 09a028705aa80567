/**
 * The results' lines and summary, in the person's words (see results.ts for the container). Loaded with Uppy.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { isRetryable, type UploadError } from '../errors.js';
import type { FileSummary, UploadOutcome } from '../events/file-summary.js';
import { fill, type SignetLocale } from '../locales/en.js';
import type { Result, ResultActions, ResultsView } from './results.js';

export type { Result } from './results.js';

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

/** The lines' look: adopted into the element's shadow root with Uppy's sheet (see uppy-runtime.ts). */
export const resultsStyles = css`
  [part='results'] {
    margin-top: 0.6em;
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
    margin: 0.4em 0 0;
    padding: 0;
    display: grid;
    gap: 0.4em;
  }
  [part='results-list'] li {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr) auto;
    align-items: baseline;
    gap: 0.15em 0.6em;
    padding: 0.5em 0.7em;
    border: 1px solid #dde0e6;
    border-left: 4px solid #1d8a3b;
    border-radius: 5px;
    background: #fff;
  }
  [part='results-list'] li[data-status='existing'],
  [part='results-list'] li[data-status='held'] {
    border-left-color: #b26a00;
  }
  [part='results-list'] li[data-status='refused'],
  [part='results-list'] li[data-status='failed'] {
    border-left-color: #c62828;
  }
  .state {
    font-weight: 600;
    white-space: nowrap;
  }
  li[data-status='success'] .state {
    color: #1a6d31;
  }
  li[data-status='existing'] .state,
  li[data-status='held'] .state {
    color: #8a5200;
  }
  li[data-status='refused'] .state,
  li[data-status='failed'] .state {
    color: #b71c1c;
  }
  .name {
    overflow-wrap: anywhere;
    font-weight: 500;
  }
  .detail {
    color: #5b6170;
    font-size: 0.85em;
    overflow-wrap: anywhere;
    text-align: end;
  }
  .message {
    grid-column: 1 / -1;
    margin: 0;
    color: #2b2f38;
  }
  .advice {
    color: #3a3f4a;
  }
  .action,
  [part='clear-results'] {
    font: inherit;
    font-size: 0.9em;
    border-radius: 4px;
    cursor: pointer;
    padding: 0.3em 0.8em;
  }
  .action {
    grid-column: 1 / -1;
    justify-self: start;
    border: 0;
    background: var(--signet-accent);
    color: #fff;
  }
  [part='clear-results'] {
    border: 1px solid #b9bfca;
    background: #fff;
    color: inherit;
  }
  .action:focus-visible,
  [part='clear-results']:focus-visible {
    outline: 2px solid var(--signet-accent);
    outline-offset: 2px;
  }
  @media (max-width: 480px) {
    [part='results-list'] li {
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
