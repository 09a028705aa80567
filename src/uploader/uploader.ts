import { html, LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { UploadBackend } from '../backends/backend.js';
import { CloudinaryBackend } from '../backends/cloudinary.js';
import { checkSigned, type Signer, signatureUrlSigner } from '../backends/signer.js';
import { UploadError } from '../errors.js';
import { SignetBatchCancelledEvent } from '../events/batch-cancelled.js';
import { SignetOptionsChangeEvent } from '../events/options-change.js';
import { en, type SignetLocale } from '../locales/en.js';
import type { PresetChoice, SignetOptionsInputEvent } from '../options/advanced-options.js';
import { checkBatchFolders, folderFor } from '../options/folders.js';
import {
  type BatchCancelReason,
  checkOptions,
  EMPTY_OPTIONS,
  paramsFor,
  type UploadOptions,
} from '../options/options.js';
import type { SignedParams, UploadParams } from '../protocol/params.js';
import { parseContext } from '../protocol/rules.js';
import type { RemoteSource } from './remote-sources.js';
import type { UploaderStatus } from './status.js';
import { styles } from './uploader.styles.js';
import { UppyController } from './uppy-controller.js';
import type { RuntimeOptions, RuntimeRestrictions, UppyRuntime } from './uppy-runtime.js';

const relativePathOf = (file: { meta: Record<string, unknown> }): string | null =>
  typeof file.meta.relativePath === 'string' ? file.meta.relativePath : null;

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
 * @event {SignetOptionsChangeEvent} signet-options-change - The person changed an advanced option; `event.options`.
 * @event {SignetBatchCancelledEvent} signet-batch-cancelled - Files were refused before upload; `event.reason`.
 *
 * @slot open-button - Label of the button that opens the modal (`mode="modal"`).
 *
 * @csspart open-button - The button that opens the modal.
 * @csspart dashboard - The element Uppy's Dashboard renders into.
 * @csspart options - The advanced options panel (`show-advanced-options`).
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

  /** Where files may come from, in tab order: `local` (device: picker, drop, paste), `url`, `dropbox`. */
  @property() sources = 'local';

  /** Companion's URL for the remote sources; defaults to `<upload-url>/companion` (the reference server's). */
  @property({ attribute: 'companion-url' }) companionUrl = '';

  /** Offer a folder picker (a whole tree, each file into `<folder>/<its relative folder>`) beside the file picker. */
  @property({ type: Boolean, attribute: 'allow-folder-select' }) allowFolderSelect = false;

  /** Show the advanced options panel (public ID, tags, and folder / preset when enabled below). */
  @property({ type: Boolean, attribute: 'show-advanced-options' }) showAdvancedOptions = false;

  /** Show the folder field in the advanced options. */
  @property({ type: Boolean, attribute: 'show-folder' }) showFolder = false;

  /** Show the upload preset choice in the advanced options. */
  @property({ type: Boolean, attribute: 'show-upload-preset' }) showUploadPreset = false;

  /** Presets a person may choose from (or set `getUploadPresets`). */
  @property({ attribute: false }) uploadPresets: readonly (string | PresetChoice)[] = [];

  /** Loads the presets a person may choose from, once the panel shows. */
  @property({ attribute: false }) getUploadPresets?: () => Promise<readonly (string | PresetChoice)[]>;

  /** Tag suggestions for a typed prefix. */
  @property({ attribute: false }) getTags?: (prefix: string) => Promise<readonly string[]> | readonly string[];

  /** Public ID for the next files; several files get `<id>_1`, `<id>_2`, …. Throws while files wait in the queue. */
  @property({ attribute: 'public-id' })
  get publicId(): string {
    return this.#options.publicId;
  }
  set publicId(value: string) {
    this.#setOption('publicId', value ?? '');
  }

  /** Folder for the next files. Throws while files wait in the queue. */
  @property()
  get folder(): string {
    return this.#options.folder;
  }
  set folder(value: string) {
    this.#setOption('folder', value ?? '');
  }

  /** Tags for the next files (the attribute is comma-separated). Throws while files wait in the queue. */
  @property({
    converter: {
      fromAttribute: (v) =>
        v
          ? v
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean)
          : [],
    },
  })
  get tags(): readonly string[] {
    return this.#options.tags;
  }
  set tags(value: readonly string[]) {
    this.#setOption('tags', [...(value ?? [])]);
  }

  /** Upload preset for the next files. Throws while files wait in the queue. */
  @property({ attribute: 'upload-preset' })
  get uploadPreset(): string {
    return this.#options.uploadPreset;
  }
  set uploadPreset(value: string) {
    this.#setOption('uploadPreset', value ?? '');
  }

  /** Contextual metadata (`key=value|key2=value2` as an attribute). Throws while files wait in the queue. */
  @property({ converter: { fromAttribute: (v) => parseContext(v ?? '').context } })
  get context(): Readonly<Record<string, string>> {
    return this.#options.context;
  }
  set context(value: Readonly<Record<string, string>>) {
    this.#setOption('context', { ...(value ?? {}) });
  }

  /** All advanced options in force, as one object. */
  get options(): UploadOptions {
    return this.#options;
  }

  /** Where the widget is: `idle`, `ready` (files waiting), `uploading`, `complete` or `error`. Read-only. */
  @property({ reflect: true }) status: UploaderStatus = 'idle';

  /** Signs parameters instead of `signature-url`: `(params) => Promise<{signature, timestamp, api_key}>`. */
  @property({ attribute: false }) signUpload?: (params: UploadParams) => Promise<SignedParams>;

  /**
   * A built-in backend: `cloudinary` (the Upload API, default) or `s3` (the browser uploads straight to the
   * bucket of a Signet server at `upload-url`, which presigns each request; local files only).
   */
  @property({ attribute: 'backend' }) backendKind: 'cloudinary' | 's3' = 'cloudinary';

  /** Headers for the Signet server's own API calls in `backend="s3"` mode, e.g. `() => ({authorization: 'Bearer …'})`. */
  @property({ attribute: false }) serverHeaders?: () => Record<string, string>;

  /** A custom backend; when set, the Cloudinary attributes above are not used. */
  @property({ attribute: false }) backend?: UploadBackend;

  /** Overrides of the English strings (see `locales/en.ts`). */
  @property({ attribute: false }) strings: Partial<SignetLocale> = {};

  readonly #uppy = new UppyController(this);
  #options: UploadOptions = EMPTY_OPTIONS;
  #presetChoices: readonly PresetChoice[] = [];
  #cancelQueued = false;

  /** Options apply to a batch: they are fixed from the moment files are chosen until they are uploaded or cleared. */
  get locked(): boolean {
    return this.status === 'ready' || this.status === 'uploading' || this.status === 'error';
  }

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
      this.showAdvancedOptions
        ? html`<signet-advanced-options
            part="options"
            .options=${this.#options}
            .strings=${this.#strings}
            .presets=${this.#presets()}
            .getTags=${this.getTags}
            ?locked=${this.locked}
            ?show-folder=${this.showFolder}
            ?show-upload-preset=${this.showUploadPreset}
            @signet-options-input=${this.#onOptionsInput}
          ></signet-advanced-options>`
        : null
    }${
      this.mode === 'modal'
        ? html`<button part="open-button" type="button" @click=${() => this.open()}>
            <slot name="open-button">${this.#strings.openButton}</slot>
          </button>`
        : null
    }
      <div part="dashboard" id="dashboard"></div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const rebuild = (['mode', 'sources', 'companionUrl', 'allowFolderSelect', 'backendKind'] as const).some(
      (key) => changed.has(key) && changed.get(key) !== undefined,
    );
    if (rebuild) this.#uppy.restart();
    if ((changed.has('showUploadPreset') || changed.has('getUploadPresets')) && this.showUploadPreset)
      void this.#loadPresets();
  }

  /** The locale's words for codes it knows (so server and browser say the same thing, in the page's language). */
  #localize(error: UploadError): UploadError {
    const words = (this.#strings.errors as Record<string, string>)[error.code];
    return words && !error.message.startsWith(words)
      ? new UploadError(error.code, words, { cause: error, status: error.status })
      : error;
  }

  #setOption<K extends keyof UploadOptions>(key: K, value: UploadOptions[K]): void {
    const old = this.#options[key];
    if (old === value) return;
    if (this.locked) throw new UploadError('OPTIONS_LOCKED', this.#strings.options.lockedError);
    this.#options = { ...this.#options, [key]: value };
    this.requestUpdate(key, old);
  }

  #onOptionsInput = (event: SignetOptionsInputEvent) => {
    event.stopPropagation();
    if (this.locked) return;
    this.#options = event.options;
    this.requestUpdate();
    this.dispatchEvent(new SignetOptionsChangeEvent(this.#options));
  };

  #presets(): readonly PresetChoice[] {
    const list = this.getUploadPresets ? this.#presetChoices : this.uploadPresets;
    return list.map((p) => (typeof p === 'string' ? { name: p } : p));
  }

  async #loadPresets(): Promise<void> {
    if (!this.getUploadPresets) return;
    const found = await this.getUploadPresets();
    this.#presetChoices = found.map((p) => (typeof p === 'string' ? { name: p } : p));
    this.requestUpdate();
  }

  #cancelBatch(reason: BatchCancelReason, detail: string): void {
    this.#cancelQueued = false;
    const message = `${this.#strings.batchCancelled[reason]} ${detail}`;
    this.uppy?.info(message, 'error', 8000);
    const event = new SignetBatchCancelledEvent(reason, message);
    this.dispatchEvent(event);
  }

  /** A dropped or picked tree with one bad folder name is refused whole, before any request. */
  #vetBatch(relativePaths: readonly (string | null)[]): boolean {
    const check = checkBatchFolders(this.#options.folder, relativePaths);
    if (check.ok) return true;
    this.#cancelBatch('INVALID_FOLDER_NAME', check.error.message);
    return false;
  }

  /** @internal Whether files may join the queue (or start uploading) under the options in force. */
  admit(count: number): boolean {
    const check = checkOptions(this.#options, count);
    if (check.ok) return true;
    // Uppy asks once per file; a batch gets one event.
    if (!this.#cancelQueued) {
      this.#cancelQueued = true;
      queueMicrotask(() => this.#cancelBatch(check.reason, check.error.message));
    }
    return false;
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
      localFiles: this.#sources().includes('local'),
      remoteSources: this.#sources().filter((s): s is RemoteSource => s === 'url' || s === 'dropbox'),
      companionUrl: this.companionUrl || `${this.uploadUrl.replace(/\/+$/, '')}/companion`,
      getBackend: () => this.backend ?? this.#defaultBackend(),
      getParams: (file, index, count) => {
        const params = paramsFor(this.#options, index, count);
        const folder = folderFor(this.#options.folder, relativePathOf(file));
        return folder ? { ...params, folder } : params;
      },
      vetBatch: (files) => this.#vetBatch(files.map(relativePathOf)),
      folderSelect: this.allowFolderSelect,
      ...(this.backendKind === 's3'
        ? {
            s3: {
              serverUrl: this.uploadUrl,
              // Read at each file, so a `signUpload` set after the element started is the one used.
              sign: (params, signal) => this.#signer(this.#strings.errors.SIGNING_FAILED)(params, signal),
              resourceType: this.resourceType,
              ...(this.serverHeaders ? { headers: this.serverHeaders } : {}),
            },
          }
        : {}),
      admit: (count) => this.admit(count),
      localize: (error) => this.#localize(error),
      onRefused: (file, error) => this.uppy?.info(`${file.name}: ${error.message}`, 'error', 10_000),
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

  #sources(): string[] {
    return this.sources.split(/[\s,]+/).filter(Boolean);
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
