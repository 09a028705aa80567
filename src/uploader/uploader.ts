import { html, LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { UploadBackend } from '../backends/backend.js';
import { CloudinaryBackend } from '../backends/cloudinary.js';
import { checkSigned, type Signer, signatureUrlSigner } from '../backends/signer.js';
import { UploadError } from '../errors.js';
import { en, type SignetLocale } from '../locales/en.js';
import type { SignedParams, UploadParams } from '../protocol/params.js';
import type { UploaderStatus } from './status.js';
import { styles } from './uploader.styles.js';
import { UppyController } from './uppy-controller.js';
import type { RuntimeOptions, RuntimeRestrictions, UppyRuntime } from './uppy-runtime.js';

const DEFAULTS = {
  uploadUrl: 'https://api.cloudinary.com',
  // Cloudinary's SDKs use 20 MB parts; every part but the last must be over 5 MB there.
  chunkSize: 20 * 1024 * 1024,
  height: 400,
  source: 'signet',
} satisfies Record<string, string | number>;

/**
 * An upload widget: Uppy's Dashboard in a shadow root, uploading every file through a request signed by the page's
 * own server to the Cloudinary Upload API (real Cloudinary or the Signet reference server).
 *
 * @summary Upload files with signed requests to a Cloudinary-compatible backend.
 *
 * @event {SignetUploadSuccessEvent} signet-upload-success - A file was stored; `event.response` is the server's JSON.
 * @event {SignetUploadErrorEvent} signet-upload-error - A file failed; `event.error` has a `code` and a `message`.
 * @event {SignetQueueCompleteEvent} signet-queue-complete - Every file of an upload run finished; `event.outcomes`.
 *
 * @slot open-button - Label of the button that opens the modal (`mode="modal"`).
 *
 * @csspart open-button - The button that opens the modal.
 * @csspart dashboard - The element Uppy's Dashboard renders into.
 *
 * @cssprop --signet-accent - Colour of the open button.
 * @cssprop --signet-min-height - Minimum height of the dashboard container.
 */
export class SignetUploader extends LitElement {
  static override styles = styles;

  /** Cloud name: the `<cloud>` in `/v1_1/<cloud>/…` upload URLs. */
  @property({ attribute: 'cloud-name' }) cloudName = '';

  /** Public API key, used when the signing answer does not carry one. */
  @property({ attribute: 'api-key' }) apiKey = '';

  /** Base URL of the Upload API: Cloudinary's by default, or a Signet reference server. */
  @property({ attribute: 'upload-url' }) uploadUrl: string = DEFAULTS.uploadUrl;

  /** The page's signing endpoint: receives the exact parameters as JSON, answers `{signature, timestamp, api_key}`. */
  @property({ attribute: 'signature-url' }) signatureUrl = '';

  /** Allow several files in one run. */
  @property({ type: Boolean }) multiple = false;

  /** At most this many files in one run (with `multiple`); 0 for no limit. */
  @property({ attribute: 'max-files', type: Number }) maxFiles = 0;

  /** Largest file accepted, in bytes; 0 for no limit. The server enforces its own limit regardless. */
  @property({ attribute: 'max-file-size', type: Number }) maxFileSize = 0;

  /** Accepted types, as in `<input accept>`: MIME types, `type/*` wildcards and `.ext`, comma-separated. */
  @property() accept = '';

  /** Files larger than this many bytes are sent in chunks of this size. */
  @property({ attribute: 'chunk-size', type: Number }) chunkSize: number = DEFAULTS.chunkSize;

  /** Resource type in the upload URL: `auto` lets the server decide from the bytes. */
  @property({ attribute: 'resource-type' }) resourceType: 'auto' | 'image' | 'video' | 'raw' = 'auto';

  /** `inline` shows the dashboard in place; `modal` renders a button that opens it over the page. */
  @property({ reflect: true }) mode: 'inline' | 'modal' = 'inline';

  /** Height of the inline dashboard, in pixels. */
  @property({ type: Number }) height: number = DEFAULTS.height;

  /** Where the widget is: `idle`, `ready` (files waiting), `uploading`, `complete` or `error`. Read-only. */
  @property({ reflect: true }) status: UploaderStatus = 'idle';

  /** Signs parameters instead of `signature-url`: `(params) => Promise<{signature, timestamp, api_key}>`. */
  @property({ attribute: false }) signUpload?: (params: UploadParams) => Promise<SignedParams>;

  /** A custom backend; when set, the Cloudinary attributes above are not used. */
  @property({ attribute: false }) backend?: UploadBackend;

  /** Overrides of the English strings (see `locales/en.ts`). */
  @property({ attribute: false }) strings: Partial<SignetLocale> = {};

  readonly #uppy = new UppyController(this);

  /** Uppy's instance, once loaded (it loads right after the element first renders). */
  get uppy(): UppyRuntime['uppy'] | undefined {
    return this.#uppy.runtime?.uppy;
  }

  /** Resolves when Uppy and its Dashboard are ready. */
  get ready(): Promise<UppyRuntime> {
    return this.#uppy.ready;
  }

  /** Opens the modal (in `modal` mode). */
  async open(): Promise<void> {
    const { dashboard } = await this.#uppy.ready;
    if (this.mode === 'modal' && !dashboard.isModalOpen()) await dashboard.openModal();
  }

  /** Closes the modal (in `modal` mode). */
  async close(): Promise<void> {
    const runtime = this.#uppy.runtime;
    if (this.mode === 'modal' && runtime?.dashboard.isModalOpen()) runtime.dashboard.closeModal();
  }

  /** Starts uploading the files in the queue, as the Upload button does. */
  async upload(): Promise<void> {
    const { uppy } = await this.#uppy.ready;
    await uppy.upload();
  }

  protected override render(): TemplateResult {
    return html`${
      this.mode === 'modal'
        ? html`<button part="open-button" type="button" @click=${() => this.open()}>
            <slot name="open-button">${this.#strings.openButton}</slot>
          </button>`
        : null
    }
      <div part="dashboard" id="dashboard"></div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('mode') && changed.get('mode') !== undefined) this.#uppy.restart();
  }

  /** @internal */
  runtimeOptions(): Omit<RuntimeOptions, 'root'> | null {
    const target = this.renderRoot.querySelector<HTMLElement>('#dashboard');
    if (!target) return null;
    return {
      target,
      inline: this.mode !== 'modal',
      height: this.height,
      restrictions: this.restrictions(),
      getBackend: () => this.backend ?? this.#defaultBackend(),
      getParams: () => ({}),
    };
  }

  /** @internal */
  restrictions(): RuntimeRestrictions {
    const types = this.accept
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    return {
      maxNumberOfFiles: this.multiple ? this.maxFiles || null : 1,
      maxFileSize: this.maxFileSize || null,
      allowedFileTypes: types.length ? types : null,
    };
  }

  get #strings(): SignetLocale {
    return { ...en, ...this.strings, errors: { ...en.errors, ...this.strings.errors } };
  }

  #defaultBackend(): UploadBackend {
    const messages = this.#strings.errors;
    return new CloudinaryBackend({
      cloudName: this.cloudName,
      uploadUrl: this.uploadUrl,
      resourceType: this.resourceType,
      chunkSize: this.chunkSize > 0 ? this.chunkSize : DEFAULTS.chunkSize,
      source: DEFAULTS.source,
      sign: this.#signer(messages.SIGNING_FAILED),
      messages,
    });
  }

  #signer(failed: string): Signer {
    const base: Signer | undefined = this.signUpload
      ? async (params) => checkSigned({ api_key: this.apiKey, ...(await this.signUpload?.(params)) }, failed)
      : this.signatureUrl
        ? signatureUrlSigner(this.signatureUrl, { SIGNING_FAILED: failed })
        : undefined;
    if (!base) return async () => Promise.reject(new UploadError('SIGNING_FAILED', `${failed} (no signature-url set)`));
    return async (params, signal) => {
      const signed = await base(params, signal);
      return { ...signed, api_key: signed.api_key || this.apiKey };
    };
  }
}
