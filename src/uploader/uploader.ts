import { html, LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { UploadBackend } from '../backends/backend.js';
import { CloudinaryBackend } from '../backends/cloudinary.js';
import { checkSigned, type Signer, signatureUrlSigner } from '../backends/signer.js';
import { UploadError } from '../errors.js';
import { SignetOptionsChangeEvent } from '../events/options-change.js';
import { en, type SignetLocale, type SignetStrings, withStrings } from '../locales/en.js';
import type { PresetChoice, SignetOptionsInputEvent, SignetOptionsToggleEvent } from '../options/advanced-options.js';
import { folderFor } from '../options/folders.js';
import {
  type BatchCancelReason,
  checkOptions,
  EMPTY_OPTIONS,
  paramsFor,
  type UploadOptions,
} from '../options/options.js';
import type { SignedParams, UploadParams } from '../protocol/params.js';
import { parseContext } from '../protocol/rules.js';
import { describeLimits, tightest } from './limits.js';
import type { RemoteSource } from './remote-sources.js';
import { renderResults } from './results.js';
import { loadServerInfo, offeredSources, type ServerInfo } from './server-info.js';
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
 * own server to the Cloudinary Upload API (real Cloudinary or the Signet reference server). Every file ends in one
 * visible state in the results under the drop zone: uploaded, already existed, not accepted (with the reason and what
 * to do), or failed (with Retry). A Signet server's `/api/config` tells the element which sources it can serve and
 * its size limit; the drop zone states the accepted types, the size limit and the file count.
 *
 * @summary Upload files with signed requests to a Cloudinary-compatible backend.
 *
 * @event {SignetUploadSuccessEvent} signet-upload-success - A file was stored; `event.response` is the server's JSON.
 * @event {SignetUploadExistingEvent} signet-upload-existing - The public ID was taken and the stored asset kept (`response.existing`); this file was not stored. Fired instead of a success unless `existing-as-success`.
 * @event {SignetUploadErrorEvent} signet-upload-error - A file was refused or failed; `event.error` has a `code` and a `message`; `event.retryable` says whether a retry can succeed.
 * @event {SignetQueueCompleteEvent} signet-queue-complete - Every file of an upload run finished; `event.outcomes` has one `{status: 'success' | 'existing' | 'refused' | 'failed'}` per file.
 * @event {SignetOptionsChangeEvent} signet-options-change - The person changed an advanced option; `event.options`.
 * @event {SignetBatchCancelledEvent} signet-batch-cancelled - Files were refused before upload (invalid options, or a sub-folder with a bad name); `event.reason`, `event.files`.
 *
 * @slot open-button - Label of the button that opens the modal (`mode="modal"`).
 *
 * @csspart open-button - The button that opens the modal.
 * @csspart dashboard - The element Uppy's Dashboard renders into.
 * @csspart options - The advanced options panel (`show-advanced-options`).
 * @csspart results - Under the drop zone: a summary line, then one item per file that ended.
 * @csspart summary - The results' summary line; the element's one polite live region.
 * @csspart results-list - One `<li data-status="success|existing|refused|failed|held">` per file (or held folder).
 * @csspart clear-results - The button that clears the results.
 *
 * @cssprop --signet-accent - Colour of the open button and of the buttons in the results.
 * @cssprop --signet-min-height - Minimum height of the dashboard container.
 */
export class SignetUploader extends LitElement {
  static override styles = styles;

  /** Cloud name: the `<cloud>` in `/v1_1/<cloud>/…` upload URLs. Unset, a Signet server's own (its `/api/config`). */
  @property({ attribute: 'cloud-name' }) cloudName = '';

  /** Public API key, used when the signing answer does not carry one. Unset, a Signet server's own. */
  @property({ attribute: 'api-key' }) apiKey = '';

  /** Base URL of the Upload API: Cloudinary's by default, or a Signet reference server. */
  @property({ attribute: 'upload-url' }) uploadUrl: string = DEFAULTS.uploadUrl;

  /** The page's signing endpoint: receives the exact parameters as JSON, answers `{signature, timestamp, api_key}`. */
  @property({ attribute: 'signature-url' }) signatureUrl = '';

  /** Allow several files in one run. */
  @property({ type: Boolean }) multiple = false;

  /** At most this many files in one run (with `multiple`); 0 for no limit. */
  @property({ attribute: 'max-files', type: Number }) maxFiles = 0;

  /**
   * Largest file accepted, in bytes; 0 for no limit. A Signet server's own limit (from its `/api/config`) applies
   * too, the lower of the two wins, and a larger file is refused before any byte is sent.
   */
  @property({ attribute: 'max-file-size', type: Number }) maxFileSize = 0;

  /**
   * Count a file whose public ID was already taken (the server kept its stored asset and answered `existing: true`)
   * as a success: `signet-upload-success` instead of `signet-upload-existing`, `status: 'success'` in the outcomes.
   * Off by default, because that file's bytes were not stored.
   */
  @property({ type: Boolean, attribute: 'existing-as-success' }) existingAsSuccess = false;

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

  /**
   * Where files may come from, in tab order: `local` (device: picker, drop, paste), `url`, `dropbox`. A Signet server
   * narrows it to what it can serve (`/api/config`): Dropbox shows only where the server has Dropbox keys.
   */
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

  /** Overrides of the English strings, group by group (see `locales/en.ts`). */
  @property({ attribute: false }) strings: SignetStrings = {};

  readonly #uppy = new UppyController(this);
  #options: UploadOptions = EMPTY_OPTIONS;
  #presetChoices: readonly PresetChoice[] = [];
  #cancelQueued = false;
  /** What the upload server said about itself; undefined while asking. */
  #serverInfo: ServerInfo | null | undefined;
  #serverInfoReady: Promise<unknown> = Promise.resolve();
  /** The person's own choice to fold or unfold the options panel, until the lock changes again. */
  #optionsCollapsed: boolean | null = null;
  #wasLocked = false;
  #shownResults = 0;

  /** Options apply to a batch: they are fixed from the moment files are chosen until they are uploaded or cleared. */
  get locked(): boolean {
    return this.#uppy.queued > 0;
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
    const strings = this.#strings;
    return html`${
      this.showAdvancedOptions
        ? html`<signet-advanced-options
            part="options"
            .options=${this.#options}
            .strings=${strings}
            .presets=${this.#presets()}
            .getTags=${this.getTags}
            ?locked=${this.locked}
            ?collapsed=${this.#optionsCollapsed ?? this.locked}
            ?show-folder=${this.showFolder}
            ?show-upload-preset=${this.showUploadPreset}
            @signet-options-input=${this.#onOptionsInput}
            @signet-options-toggle=${this.#onOptionsToggle}
          ></signet-advanced-options>`
        : null
    }${
      this.mode === 'modal'
        ? html`<button part="open-button" type="button" @click=${() => this.open()}>
            <slot name="open-button">${strings.openButton}</slot>
          </button>`
        : null
    }
      <div part="dashboard" id="dashboard"></div>
      ${renderResults(
        this.#uppy.results,
        strings,
        {
          retry: (id) => void this.#uppy.tracker?.retry(id),
          fix: (key) => this.#uppy.tracker?.fix(key),
          clear: () => this.#uppy.tracker?.clearResults(),
          queued: (id) => this.#uppy.tracker?.isQueued(id) ?? false,
        },
        this.#uppy.view,
      )}`;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('uploadUrl')) this.#askServer();
    // The panel folds when files are chosen (so the queue and its Upload button come into view, on a phone too) and
    // unfolds when they are gone, unless the person folds or unfolds it; their choice holds until the lock changes.
    if (this.locked !== this.#wasLocked) {
      this.#wasLocked = this.locked;
      this.#optionsCollapsed = null;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    const rebuild = (['mode', 'sources', 'companionUrl', 'allowFolderSelect', 'backendKind'] as const).some(
      (key) => changed.has(key) && changed.get(key) !== undefined,
    );
    if (rebuild) this.#uppy.restart();
    if ((changed.has('showUploadPreset') || changed.has('getUploadPresets')) && this.showUploadPreset)
      void this.#loadPresets();
    const shown = this.#uppy.results.length;
    if (shown > this.#shownResults) this.#reveal('[part="results"]');
    this.#shownResults = shown;
    if (changed.has('status') && this.status === 'ready' && changed.get('status') !== 'uploading')
      this.#reveal('.uppy-StatusBar-actionBtn--upload');
  }

  /**
   * Scrolls just enough to bring `selector` into view when it is out of it, as long as the person is looking at the
   * widget: results appear under the drop zone, and after picking on a phone the Upload button can be below the fold.
   */
  #reveal(selector: string): void {
    requestAnimationFrame(() => {
      const target = this.renderRoot.querySelector<HTMLElement>(selector);
      if (!target || (this.mode === 'modal' && this.#uppy.runtime?.dashboard.isModalOpen())) return;
      const self = this.getBoundingClientRect();
      const box = target.getBoundingClientRect();
      const looking = self.bottom > 0 && self.top < innerHeight;
      if (!looking || (box.top >= 0 && box.bottom <= innerHeight + 1)) return;
      target.scrollIntoView({ block: box.height > innerHeight ? 'start' : 'nearest' });
    });
  }

  /** Asks the upload server what it can serve; a change of sources rebuilds Uppy (remote tabs are plugins). */
  #askServer(): void {
    const url = this.uploadUrl;
    const before = this.#sources().join(' ');
    this.#serverInfo = undefined;
    this.#serverInfoReady = loadServerInfo(url).then((info) => {
      if (this.uploadUrl !== url) return;
      this.#serverInfo = info;
      this.requestUpdate();
      if (before !== this.#sources().join(' ')) this.#uppy.refresh();
    });
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

  #cancelBatch(reason: BatchCancelReason, error: UploadError): void {
    this.#cancelQueued = false;
    this.#uppy.tracker?.cancelBatch(reason, error);
  }

  #onOptionsToggle = (event: SignetOptionsToggleEvent) => {
    event.stopPropagation();
    this.#optionsCollapsed = event.collapsed;
    this.requestUpdate();
  };

  /** @internal Whether files may join the queue (or start uploading) under the options in force. */
  admit(count: number): boolean {
    const check = checkOptions(this.#options, count);
    if (check.ok) return true;
    // Uppy asks once per file; a batch gets one event.
    if (!this.#cancelQueued) {
      this.#cancelQueued = true;
      queueMicrotask(() => this.#cancelBatch(check.reason, check.error));
    }
    return false;
  }

  /** @internal */
  runtimeOptions(): Omit<RuntimeOptions, 'root'> | null {
    const target = this.renderRoot.querySelector<HTMLElement>('#dashboard');
    if (!target) return null;
    const strings = this.#strings;
    return {
      target,
      inline: this.mode !== 'modal',
      height: this.height,
      restrictions: this.restrictions(),
      strings: {
        core: { companionError: strings.remote.connectionFailed },
        url: { failedToFetch: strings.remote.importFailed, enterCorrectUrl: strings.remote.malformedUrl },
      },
      localFiles: this.#sources().includes('local'),
      remoteSources: this.#sources().filter((s): s is RemoteSource => s === 'url' || s === 'dropbox'),
      companionUrl: this.companionUrl || `${this.uploadUrl.replace(/\/+$/, '')}/companion`,
      getBackend: () => this.backend ?? this.#defaultBackend(),
      getParams: (file, index, count) => {
        const params = paramsFor(this.#options, index, count);
        const folder = folderFor(this.#options.folder, relativePathOf(file));
        return folder ? { ...params, folder } : params;
      },
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
      onRefused: (file, error) => this.#uppy.tracker?.refuseBeforeUpload(file, error),
      onImportRefused: (subject, error) => this.#uppy.tracker?.notice(subject, error, `link-${subject}`, true),
    };
  }

  /** @internal */
  restrictions(): RuntimeRestrictions {
    const types = this.accept
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const limits = {
      maxNumberOfFiles: this.multiple ? this.maxFiles || null : 1,
      maxFileSize: tightest(this.maxFileSize, this.#serverInfo?.maxFileSize),
      allowedFileTypes: types.length ? types : null,
    };
    return { ...limits, note: this.#strings.dashboardNote || describeLimits(limits, this.#strings.limits) };
  }

  /** @internal Settles once the upload server has said what it can serve (or could not say). */
  get serverInfoReady(): Promise<unknown> {
    return this.#serverInfoReady;
  }

  /** @internal */
  get locale(): SignetLocale {
    return this.#strings;
  }

  /** @internal */
  get baseFolder(): string {
    return this.#options.folder;
  }

  #sources(): string[] {
    return offeredSources(this.sources.split(/[\s,]+/).filter(Boolean), this.#serverInfo?.sources ?? null);
  }

  get #strings(): SignetLocale {
    return withStrings(en, this.strings);
  }

  #defaultBackend(): UploadBackend {
    const messages = this.#strings.errors;
    return new CloudinaryBackend({
      cloudName: this.cloudName || this.#serverInfo?.cloudName || '',
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
      ? async (params) =>
          checkSigned(
            { api_key: this.apiKey || this.#serverInfo?.apiKey || '', ...(await this.signUpload?.(params)) },
            failed,
          )
      : this.signatureUrl
        ? signatureUrlSigner(this.signatureUrl, { SIGNING_FAILED: failed })
        : undefined;
    if (!base) return async () => Promise.reject(new UploadError('SIGNING_FAILED', `${failed} (no signature-url set)`));
    return async (params, signal) => {
      const signed = await base(params, signal);
      return { ...signed, api_key: signed.api_key || this.apiKey || this.#serverInfo?.apiKey || '' };
    };
  }
}
