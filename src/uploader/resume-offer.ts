/**
 * The offer to continue what an earlier visit left unfinished (unfinished.ts): "2 uploads did not finish: a.mov,
 * b.mov", a button to choose the same files again (they continue from the server's offset and start at once) and
 * one to discard them. Loaded only when the flag says something is remembered (uploader.ts `connectedCallback`).
 */
import { css, html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import { forgetUnfinished, listUnfinished, resumeScopeOf, type UnfinishedUpload } from '../backends/unfinished.js';
import type { SignetLocale } from '../locales/en.js';
import { fill } from '../locales/fill.js';
import type { SignetUploader } from './uploader.js';

/** What the offer uses of the element: its public API and the internals the runtime reads too. */
type ResumeHost = Pick<
  SignetUploader,
  | 'addController'
  | 'requestUpdate'
  | 'renderRoot'
  | 'mode'
  | 'open'
  | 'ready'
  | 'localeReady'
  | 'serverInfoReady'
  | 'runtimeOptions'
>;

/** Its look, adopted with the offer (the element's eager styles leave it out). */
const styles = css`
  [part='resume'] {
    margin-block-end: var(--signet-spacing);
    padding: var(--signet-spacing);
    border: 1px solid var(--signet-accent);
    border-radius: var(--signet-radius);
    background: var(--signet-surface);
  }
  [part='resume'] p {
    margin: 0 0 calc(var(--signet-spacing) * 0.5);
  }
  [part='resume'] .hint {
    color: var(--signet-muted);
  }
`;

export class ResumeOffer implements ReactiveController {
  readonly #host: ResumeHost;
  #records: readonly UnfinishedUpload[] = [];

  constructor(host: ResumeHost) {
    this.#host = host;
    const root = host.renderRoot as ShadowRoot;
    const sheet = styles.styleSheet;
    if (sheet && !root.adoptedStyleSheets.includes(sheet))
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    host.addController(this);
  }

  hostConnected(): void {
    void this.refresh();
  }

  #reads = 0;

  /** Reads the records again: after the person acted, and when the upload address changed (the last read wins). */
  async refresh(): Promise<void> {
    const read = ++this.#reads;
    // The server's cloud name is part of where sessions live; the backend's settings need the full strings.
    await Promise.all([this.#host.serverInfoReady, this.#host.localeReady]);
    const options = this.#host.runtimeOptions();
    const scope = options ? resumeScopeOf(options) : null;
    const records = scope ? await listUnfinished(scope) : [];
    if (read !== this.#reads) return;
    this.#records = records;
    this.#host.requestUpdate();
  }

  render(strings: SignetLocale): TemplateResult | typeof nothing {
    const records = this.#records;
    const words = strings.resume;
    if (!records.length || !words) return nothing;
    const names = records.map((record) => record.name).join(', ');
    const title = fill(
      records.length === 1 ? words.one : words.many,
      { count: records.length, names },
      strings.language,
    );
    const choose = (event: Event) =>
      ((event.currentTarget as HTMLElement).nextElementSibling as HTMLInputElement | null)?.click();
    const chosen = async (event: Event) => {
      const input = event.target as HTMLInputElement;
      const files = Array.from(input.files ?? []);
      input.value = '';
      if (!files.length) return;
      this.#records = [];
      this.#host.requestUpdate();
      // The chosen files join the queue and go at once: the person asked to continue, not to start a new batch.
      if (this.#host.mode === 'modal') await this.#host.open();
      const runtime = await this.#host.ready;
      await runtime.addEarly({ files });
      // Refused files (limits, a locked run) have their message in the results already.
      await runtime.uppy.upload().catch(() => undefined);
      await this.refresh(); // what did not continue (not chosen, or cut again) is offered again
    };
    const discard = async () => {
      const gone = this.#records;
      this.#records = [];
      this.#host.requestUpdate();
      for (const record of gone) await forgetUnfinished(record.uploadId);
    };
    return html`<section part="resume" aria-labelledby="resume-title">
      <p id="resume-title">${title}</p>
      <p class="hint">${records.length === 1 ? words.hintOne : words.hint}</p>
      <div class="resume-actions">
        <button part="resume-button" type="button" class="primary" @click=${choose}>
          ${records.length === 1 ? words.chooseOne : words.choose}</button
        ><input type="file" hidden ?multiple=${records.length > 1} @change=${chosen} />
        <button part="resume-discard" type="button" @click=${discard}>${words.discard}</button>
      </div>
    </section>`;
  }
}
