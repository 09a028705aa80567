/**
 * The offer to continue what an earlier visit left unfinished (unfinished.ts): "2 uploads did not finish: a.mov,
 * b.mov", a button to choose the same files again (they continue from the server's offset and start at once) and
 * one to discard them. Loaded only when the flag says something is remembered (uploader.ts `connectedCallback`).
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { forgetUnfinished, listUnfinished, type UnfinishedUpload } from '../backends/unfinished.js';
import type { SignetLocale } from '../locales/en.js';
import { fill } from '../locales/fill.js';

export interface ResumeHost extends ReactiveControllerHost {
  /** Settles once the full strings of the element's language have loaded. */
  readonly localeReady: Promise<unknown>;
  /** Where chunked sessions live now (null: nothing resumes: a custom backend, direct-to-S3). */
  resumeScope(): Promise<string | null>;
  /** Adds the chosen files to the queue and starts uploading. */
  resumeWith(files: File[]): Promise<void>;
}

export class ResumeOffer implements ReactiveController {
  readonly #host: ResumeHost;
  #records: readonly UnfinishedUpload[] = [];

  constructor(host: ResumeHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    void this.refresh();
  }

  #reads = 0;

  /** Reads the records again: after the person acted, and when the upload address changed (the last read wins). */
  async refresh(): Promise<void> {
    const read = ++this.#reads;
    const scope = await this.#host.resumeScope();
    const records = scope ? await listUnfinished(scope) : [];
    await this.#host.localeReady;
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
      await this.#host.resumeWith(files);
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
      <p class="hint">${words.hint}</p>
      <div class="resume-actions">
        <button part="resume-button" type="button" class="primary" @click=${choose}>${words.choose}</button
        ><input type="file" hidden ?multiple=${records.length > 1} @change=${chosen} />
        <button part="resume-discard" type="button" @click=${discard}>${words.discard}</button>
      </div>
    </section>`;
  }
}
