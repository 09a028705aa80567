import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { UploadBackend } from '../backends/backend.js';
import type { CloudinaryBackendOptions } from '../backends/cloudinary.js';
import type { Signer } from '../backends/signer.js';
import { anyUnfinished } from '../backends/unfinished-flag.js';
import { UploadError } from '../errors.js';
import { SignetOptionsChangeEvent } from '../events/options-change.js';
import type { SignetLocale, SignetStrings } from '../locales/en.js';
import { enPage } from '../locales/en-page.js';
import { fill, withStrings } from '../locales/fill.js';
import { languageOf, loadStrings } from '../locales/index.js';
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
import { LIMITS, parseContext } from '../protocol/rules.js';
import { renderDropZone, setDropZoneHeight } from './drop-zone.js';
import { type Attachment, FormValue, type ValueFormat } from './form-value.js';
import { describeLimits, tightest } from './limits.js';
import type { RemoteSource } from './remote-sources.js';
import { type Result, renderResults } from './results.js';
import type { ResumeOffer } from './resume-offer.js';
import { loadServerInfo, offeredSources, type ServerInfo } from './server-info.js';
import type { UploaderStatus } from './status.js';
import { styles } from './uploader.styles.js';
import { UppyController } from './uppy-controller.js';
import type { RuntimeOptions, RuntimeRestrictions, RuntimeSettings, Theme, UppyRuntime } from './uppy-runtime.js';

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
 * It is a form control: with a `name`, each uploaded file is one entry of the form's data (its delivery URL, or its
 * JSON result with `value-format="json"`); `required`, `disabled` (also from a disabled `<fieldset>`), form reset and
 * the browser's restore of a page's form work as for native controls. While files are chosen but not uploaded, or
 * still uploading, the form cannot be submitted: the element is invalid with a message that says why.
 *
 * `mode="modal"` puts the options, the drop zone and the results in a native `<dialog>` opened by a button.
 *
 * Large files go in chunks, and a cut connection or a server restart costs at most the chunks in flight. A chunked
 * upload a reload (or a closed tab) interrupts is remembered in the browser (its session and parameters, never a
 * signature or the bytes); on the next visit the element offers to continue it: the person chooses the same file
 * again and it goes on from where the server stopped.
 *
 * @summary Upload files with signed requests to a Cloudinary-compatible backend; a form control.
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
 * @csspart base - Everything the element draws (it carries the resolved `dir` and `lang`).
 * @csspart open-button - The button that opens the modal (`mode="modal"`).
 * @csspart dialog - The native `<dialog>` of `mode="modal"`; style its backdrop with `::part(dialog)::backdrop`.
 * @csspart dialog-header - The dialog's title bar.
 * @csspart dialog-title - The dialog's heading (its accessible name).
 * @csspart close-button - The button that closes the dialog.
 * @csspart confirm - The question asked when the dialog is closed while files upload.
 * @csspart dashboard - The element Uppy's Dashboard renders into.
 * @csspart drop-zone - The light drop zone shown until the Dashboard has loaded (on the first pointer over, focus in or drag onto the element).
 * @csspart resume - The offer to continue uploads an earlier visit left unfinished (a reload, a closed tab): shown only then.
 * @csspart resume-button - Its button that asks for the same files again; they continue where they stopped.
 * @csspart resume-discard - Its button that forgets them.
 * @csspart options - The advanced options panel (`show-advanced-options`).
 * @csspart results - Under the drop zone: a summary line, then one item per file that ended.
 * @csspart summary - The results' summary line; the element's one polite live region.
 * @csspart results-list - The list of results.
 * @csspart result - One result line; also `result-success`, `result-existing`, `result-refused`, `result-failed` or `result-held` by how it ended.
 * @csspart result-action - A button in a result line (Retry, Remove, a folder fix).
 * @csspart clear-results - The button that clears the results.
 *
 * @cssprop [--signet-accent=#1269cf] - Buttons, links, progress and focus rings.
 * @cssprop [--signet-on-accent=#ffffff] - Text on the accent colour.
 * @cssprop [--signet-background=#ffffff] - The dialog, result lines and fields.
 * @cssprop [--signet-surface=#f4f5f7] - The drop zone and the options panel.
 * @cssprop [--signet-text=#1d1f23] - Text.
 * @cssprop [--signet-muted=#4f5563] - Secondary text (details, hints).
 * @cssprop [--signet-border=#c9ced8] - Borders.
 * @cssprop [--signet-success=#1a6d31] - Uploaded files.
 * @cssprop [--signet-warning=#8a5200] - Files that already existed, folders held back.
 * @cssprop [--signet-danger=#b71c1c] - Refused and failed files, invalid values.
 * @cssprop [--signet-radius=6px] - Corner radius of the drop zone, panels, buttons and the dialog.
 * @cssprop [--signet-font=inherit] - Font family (the page's by default).
 * @cssprop [--signet-spacing=12px] - The base gap between the element's pieces; paddings are fractions of it.
 * @cssprop [--signet-backdrop=rgb(15 17 21 / 55%)] - What covers the page behind the modal dialog.
 * @cssprop [--signet-min-height=0] - Minimum height of the dashboard container.
 */
export class SignetUploader extends LitElement {
  static override styles = styles;

  /** Takes part in forms through `ElementInternals` (value, validity, reset, disabled, restore). */
  static readonly formAssociated = true;

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

  /**
   * Ask for a delete token with each upload (`return_delete_token`, signed with the other parameters): for 10 minutes
   * the person can delete a file they just uploaded from its result line, as Cloudinary's widget allows for its
   * thumbnails. Deleting also takes it out of the form's value.
   */
  @property({ type: Boolean, attribute: 'return-delete-token' }) returnDeleteToken = false;

  /**
   * Send photos with their metadata. By default the location, the device (make, model, serial numbers) and other
   * personal metadata leave JPEG, PNG and WebP files in the browser before upload, without re-encoding (the pixels
   * and the orientation stay); the file's result line says what was removed.
   */
  @property({ type: Boolean, attribute: 'keep-metadata' }) keepMetadata = false;

  /**
   * Photos (JPEG, PNG, WebP) wider than this many pixels are made smaller in the browser before upload, keeping
   * their proportions and turned upright; never larger. 0: no limit. Cloudinary's `maxImageWidth`.
   */
  @property({ type: Number, attribute: 'max-image-width' }) maxImageWidth = 0;

  /** Like `max-image-width`, for the height. */
  @property({ type: Number, attribute: 'max-image-height' }) maxImageHeight = 0;

  /** The quality (0–1) a made-smaller JPEG or WebP is saved at. */
  @property({ type: Number, attribute: 'image-quality' }) imageQuality = 0.9;

  /**
   * Refuse a photo over `max-image-width` / `max-image-height` instead of making it smaller (the file's line says its
   * size and the limit). Cloudinary's `validateMaxWidthHeight`.
   */
  @property({ type: Boolean, attribute: 'validate-dimensions' }) validateDimensions = false;

  /** Photos narrower than this many pixels are refused before upload. 0: no limit. */
  @property({ type: Number, attribute: 'min-image-width' }) minImageWidth = 0;

  /** Photos lower than this many pixels are refused before upload. 0: no limit. */
  @property({ type: Number, attribute: 'min-image-height' }) minImageHeight = 0;

  /**
   * Offer to crop each photo (JPEG, PNG, WebP) before upload: it opens in an editor as it is chosen (several files:
   * one after another). Save sends the cropped image itself (its region as Cloudinary's `custom_coordinates`; where
   * it lay in the original is the events' `file.cropped`); Cancel sends the photo as it is. The crop box takes focus:
   * arrow keys move it, Shift with arrow keys sizes it. Cloudinary's `cropping`.
   */
  @property({ type: Boolean }) crop = false;

  /** The crop box's proportions, width to height: `1`, `16:9`, `4/3`, `1.5`. Empty: the person chooses. */
  @property({ attribute: 'crop-aspect-ratio' }) cropAspectRatio = '';

  /**
   * With `crop`, no photo is uploaded uncropped: pressing Upload opens the editor on the first one instead
   * (Cloudinary's `showSkipCropButton: false`).
   */
  @property({ type: Boolean, attribute: 'crop-required' }) cropRequired = false;

  /** Accepted types, as in `<input accept>`: MIME types, `type/*` wildcards and `.ext`, comma-separated. */
  @property() accept = '';

  /** Files larger than this many bytes are sent in chunks of this size. */
  @property({ attribute: 'chunk-size', type: Number }) chunkSize: number = DEFAULTS.chunkSize;

  /** Resource type in the upload URL: `auto` lets the server decide from the bytes. */
  @property({ attribute: 'resource-type' }) resourceType: 'auto' | 'image' | 'video' | 'raw' = 'auto';

  /** `inline` shows the dashboard in place; `modal` renders a button that opens it over the page. */
  @property({ reflect: true }) mode: 'inline' | 'modal' = 'inline';

  /** Height of the drop zone, in pixels (in the dialog of `mode="modal"`, at most 45% of the viewport's height). */
  @property({ type: Number }) height: number = DEFAULTS.height;

  /**
   * Where files may come from, in tab order: `local` (device: picker, drop, paste), `camera` (a photo or a video from
   * the device's camera; on phones the system's own camera), `url`, `dropbox`. A Signet server narrows the remote
   * ones to what it can serve (`/api/config`): Dropbox shows only where the server has Dropbox keys.
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

  /** Overrides of the locale's strings, group by group (see `locales/en.ts`). */
  @property({ attribute: false }) strings: SignetStrings = {};

  /**
   * The language of the element's words, a BCP 47 tag: `en`, `de`, `fr` and `ar` are built in (each loaded only when
   * asked for), anything else falls back to English. Unset, the `lang` around the element (`<html lang="de">`).
   * Numbers and sizes are written for the tag (`ar-u-nu-latn` keeps Latin digits).
   */
  @property() locale = '';

  /** Colours: `light` (default), `dark`, or `auto` (follows the system's `prefers-color-scheme`). */
  @property({ reflect: true }) theme: Theme = 'light';

  /** The form field's name: each uploaded file is one entry under it in the form's data. Unset, nothing is sent. */
  @property({ reflect: true }) name = '';

  /** What each entry of the form's data is: `url` (the delivery URL, default) or `json` (the upload's JSON result). */
  @property({ attribute: 'value-format' }) valueFormat: ValueFormat = 'url';

  /** The form cannot be sent until a file is uploaded (`validity.valueMissing`, with a message in the locale). */
  @property({ type: Boolean, reflect: true }) required = false;

  /** Takes no files and sends nothing with the form; also while inside a disabled `<fieldset>`. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  readonly #internals = this.attachInternals();
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
  /**
   * The strings of the locale in force. Until a language has loaded, English for what the page shows before Uppy
   * (en-page.ts): only Uppy's side reads the rest, and it starts after `localeReady`, which loads it.
   */
  #base: SignetLocale = enPage as unknown as SignetLocale;
  #localeTag = '';
  /** English loads when Uppy asks for it (a function until then); other languages load at once. */
  #localeReady: Promise<unknown> | (() => Promise<unknown>) = Promise.resolve();
  #merged: { base: SignetLocale; overrides: SignetStrings; strings: SignetLocale } | undefined;
  /** A disabled `<fieldset>` around the element (formDisabledCallback). */
  #formDisabled = false;
  /** Restored by the browser before Uppy (and its results) loaded; the results take them over. */
  #restored: Attachment[] = [];
  #formKey: string | undefined;
  #validityKey: string | undefined;
  #dialogOpen = false;
  /** The options panel's element is defined (its module loaded on first use). */
  #panelDefined: Promise<void> | undefined;
  /** The offer to continue uploads an earlier visit left unfinished; loaded only when one is remembered. */
  #resumeOffer: ResumeOffer | undefined;
  /** Where focus was when the dialog opened: it goes back there on close. */
  #opener: HTMLElement | null = null;

  /** Options apply to a batch: they are fixed from the moment files are chosen until they are uploaded or cleared. */
  get locked(): boolean {
    return this.#uppy.queued > 0;
  }

  /** Uppy's instance, once loaded (on the first pointer over, focus in or drag onto the element, `open()` or `ready`). */
  get uppy(): UppyRuntime['uppy'] | undefined {
    return this.#uppy.runtime?.uppy;
  }

  /** Resolves when Uppy and its Dashboard are ready. */
  get ready(): Promise<UppyRuntime> {
    this.#uppy.want();
    return this.#uppy.ready;
  }

  /** What the element sends with its form (read-only): one entry per uploaded file, as `value-format` says. */
  get value(): readonly string[] {
    return FormValue.entries(this.#attachments(), this.valueFormat);
  }

  /** The form the element belongs to, as for native controls. */
  get form(): HTMLFormElement | null {
    return this.#internals.form;
  }

  /** Why the form cannot be sent yet: `valueMissing` (required, nothing uploaded) or `customError` (files pending). */
  get validity(): ValidityState {
    return this.#internals.validity;
  }

  /** The validity's message, in the element's locale. */
  get validationMessage(): string {
    return this.#internals.validationMessage;
  }

  /** Whether the form checks this element (not when disabled). */
  get willValidate(): boolean {
    return this.#internals.willValidate;
  }

  /** The `<label>`s of the element. */
  get labels(): NodeList {
    return this.#internals.labels;
  }

  /** Whether the element is valid; fires `invalid` when it is not. */
  checkValidity(): boolean {
    return this.#internals.checkValidity();
  }

  /** As `checkValidity()`, and shows the message to the person. */
  reportValidity(): boolean {
    return this.#internals.reportValidity();
  }

  /** Opens the dialog (`mode="modal"`); focus moves into it and returns where it was when it closes. */
  async open(): Promise<void> {
    if (this.mode !== 'modal' || this.#isDisabled) return;
    this.#uppy.want();
    await this.updateComplete;
    const dialog = this.#dialog('dialog');
    if (!dialog || dialog.open) return;
    this.#opener = deepActiveElement();
    dialog.showModal();
    this.#dialogOpen = true;
    this.requestUpdate();
  }

  /** Closes the dialog (`mode="modal"`) without asking; uploads under way go on. */
  async close(): Promise<void> {
    this.#closeDialog();
  }

  /** Starts uploading the files in the queue, as the Upload button does. */
  async upload(): Promise<void> {
    const { uppy } = await this.#uppy.ready;
    await uppy.upload();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#syncLocale();
    if (!this.#resumeOffer && anyUnfinished())
      void import('./resume-offer.js').then(({ ResumeOffer }) => {
        this.#resumeOffer ??= new ResumeOffer(this);
      });
  }

  /** @internal The form was reset: the uploaded files leave the value and the results, chosen ones the queue. */
  formResetCallback(): void {
    this.#restored = [];
    this.#uppy.tracker?.reset();
    this.requestUpdate();
  }

  /** @internal A disabled `<fieldset>` around the element (or its end). */
  formDisabledCallback(disabled: boolean): void {
    this.#formDisabled = disabled;
    this.requestUpdate();
  }

  /** @internal The browser gives back the state saved with the page (back/forward, a restored session). */
  formStateRestoreCallback(state: unknown): void {
    const restored = FormValue.parse(state);
    if (this.#uppy.tracker) this.#uppy.tracker.restore(resultsOf(restored));
    else {
      this.#restored = restored;
      // Their result lines (with Remove) are drawn by what loads with Uppy.
      if (restored.length) this.#uppy.want();
    }
    this.requestUpdate();
  }

  protected override render(): TemplateResult {
    const strings = this.#strings;
    const disabled = this.#isDisabled;
    const options = this.showAdvancedOptions
      ? html`<signet-advanced-options
          part="options"
          exportparts="toggle: options-toggle, digest: options-digest, lock-reason: options-lock-reason"
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
      : nothing;
    // Uppy's Dashboard mounts while its sources still load: it stays hidden, behind the light drop zone, until the
    // runtime is whole (files given meanwhile go to the light drop zone, which hands them over).
    const ready = this.#uppy.runtime !== undefined;
    const dashboard = html`${ready ? nothing : this.#renderDropZone(strings)}<div
        part="dashboard"
        id="dashboard"
        ?hidden=${!ready}
      ></div>`;
    const results = this.#renderResults(strings);
    const body =
      this.mode === 'modal'
        ? html`<button
              part="open-button"
              type="button"
              aria-haspopup="dialog"
              ?disabled=${disabled}
              @click=${() => this.open()}
            >
              <slot name="open-button">${strings.openButton}</slot>
            </button>
            ${this.#dialogOpen ? nothing : results}
            <dialog
              part="dialog"
              aria-labelledby="dialog-title"
              @cancel=${this.#onDialogCancel}
              @close=${this.#onDialogClose}
            >
              <header part="dialog-header">
                <h2 part="dialog-title" id="dialog-title">${strings.dialog.title}</h2>
                <button
                  part="close-button"
                  type="button"
                  aria-label=${strings.dialog.close}
                  @click=${this.#requestClose}
                >
                  <span aria-hidden="true">×</span>
                </button>
              </header>
              ${options}${dashboard}${this.#dialogOpen ? results : nothing}
              <dialog
                part="confirm"
                role="alertdialog"
                aria-labelledby="confirm-title"
                aria-describedby="confirm-text"
                @close=${this.#onConfirmClose}
              >
                <h2 id="confirm-title">${strings.dialog.busyTitle}</h2>
                <p id="confirm-text">${strings.dialog.busyText}</p>
                <div class="confirm-actions">
                  <button type="button" class="primary" autofocus @click=${this.#keepUploading}>
                    ${strings.dialog.keepUploading}
                  </button>
                  <button type="button" @click=${this.#stopUploads}>${strings.dialog.stopUploads}</button>
                  <button type="button" @click=${() => this.#dialog('confirm')?.close()}>${strings.dialog.stay}</button>
                </div>
              </dialog>
            </dialog>`
        : html`${options}${dashboard}${results}`;
    return html`<div part="base" class="base" dir=${this.#direction()} lang=${strings.language} ?inert=${disabled}>
      ${this.#resumeOffer?.render(strings) ?? nothing}${body}
    </div>`;
  }

  /** The Dashboard's height, and the light drop zone's before it: the dialog's leaves room for options and results. */
  #dashboardHeight(): string {
    return this.mode === 'modal' ? `min(${this.height}px, 45dvh)` : `${this.height}px`;
  }

  #renderDropZone(strings: SignetLocale): TemplateResult {
    return renderDropZone({
      ...strings.dropZone,
      note: this.restrictions().note,
      multiple: this.multiple,
      accept: this.accept,
      local: this.#sources().includes('local'),
      take: (pick) => this.#uppy.take(pick),
    });
  }

  #renderResults(strings: SignetLocale): TemplateResult {
    const tracker = this.#uppy.tracker;
    return renderResults(
      this.#uppy.results,
      strings,
      {
        retry: (id) => void tracker?.retry(id),
        fix: (key) => tracker?.fix(key),
        clear: () => tracker?.clearResults(),
        remove: (key) => tracker?.removeResult(key),
        deleteUploaded: (key) => void tracker?.deleteUploaded(key),
        queued: (id) => tracker?.isQueued(id) ?? false,
        kept: (result) => tracker?.isKept(result) ?? false,
        removable: this.name !== '',
      },
      this.#uppy.view,
      tracker?.running ?? 0,
      tracker?.network ?? null,
    );
  }

  /** `updateComplete` includes the options panel's element, once it is shown (its module loads then). */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    await this.#panelDefined;
    return done;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('uploadUrl')) {
      this.#askServer();
      if (changed.get('uploadUrl') !== undefined) void this.#resumeOffer?.refresh();
    }
    // The panel's element loads when it is first shown: most pages never show it.
    if (this.showAdvancedOptions && !customElements.get('signet-advanced-options'))
      this.#panelDefined ??= import('../options/advanced-options.js').then((panel) => panel.defineAdvancedOptions());
    if (changed.has('locale')) this.#syncLocale();
    // The panel folds when files are chosen (so the queue and its Upload button come into view, on a phone too) and
    // unfolds when they are gone, unless the person folds or unfolds it; their choice holds until the lock changes.
    if (this.locked !== this.#wasLocked) {
      this.#wasLocked = this.locked;
      this.#optionsCollapsed = null;
    }
    const disabled = this.#isDisabled;
    this.#internals.ariaDisabled = disabled ? 'true' : null;
    if (disabled) this.#internals.states.add('disabled');
    else this.#internals.states.delete('disabled');
  }

  protected override updated(changed: PropertyValues<this>): void {
    setDropZoneHeight(this.renderRoot, this.#dashboardHeight());
    const rebuild = (['mode', 'sources', 'companionUrl', 'allowFolderSelect', 'backendKind', 'crop'] as const).some(
      (key) => changed.has(key) && changed.get(key) !== undefined,
    );
    if (rebuild) this.#uppy.restart();
    if ((changed.has('showUploadPreset') || changed.has('getUploadPresets')) && this.showUploadPreset)
      void this.#loadPresets();
    if (this.#isDisabled && this.#dialogOpen) void this.close();
    const shown = this.#uppy.results.length;
    if (shown > this.#shownResults) this.#reveal('[part="results"]');
    this.#shownResults = shown;
    if (changed.has('status') && this.status === 'ready' && changed.get('status') !== 'uploading')
      this.#reveal('.uppy-StatusBar-actionBtn--upload');
    this.#syncForm();
  }

  /** The value and validity the form sees, from the uploaded files and what is still pending. */
  #syncForm(): void {
    const attachments = this.#attachments();
    const entries = FormValue.entries(attachments, this.valueFormat);
    const formKey = JSON.stringify([this.name, entries]);
    if (formKey !== this.#formKey) {
      this.#formKey = formKey;
      let value: FormData | null = null;
      if (this.name) {
        value = new FormData();
        for (const entry of entries) value.append(this.name, entry);
      }
      this.#internals.setFormValue(value, FormValue.state(attachments));
    }
    const words = this.#strings.form;
    // Chosen files not uploaded yet would silently be missing from the form: it waits for them (see README).
    const [flags, message]: [ValidityStateFlags, string] =
      this.status === 'uploading'
        ? [{ customError: true }, words.uploading]
        : this.#uppy.queued > 0
          ? [{ customError: true }, words.pending]
          : this.required && entries.length === 0
            ? [{ valueMissing: true }, words.required]
            : [{}, ''];
    const anchor = this.#validityAnchor();
    const validityKey = JSON.stringify([flags, message]);
    if (validityKey === this.#validityKey && anchor === this.#validityAnchorShown) return;
    this.#validityKey = validityKey;
    this.#validityAnchorShown = anchor;
    if (message) this.#internals.setValidity(flags, message, anchor ?? undefined);
    else this.#internals.setValidity({});
  }

  #validityAnchorShown: HTMLElement | null = null;

  /** Where the browser points when it shows the validity message: the control that would resolve it. */
  #validityAnchor(): HTMLElement | null {
    const find = (selector: string) => this.renderRoot.querySelector<HTMLElement>(selector);
    if (this.mode === 'modal') return find('[part="open-button"]');
    return find('.uppy-StatusBar-actionBtn--upload') ?? find('.uppy-Dashboard-browse');
  }

  #attachments(): Attachment[] {
    const tracker = this.#uppy.tracker;
    if (!tracker) return this.#restored;
    return tracker.results.flatMap((result) =>
      result.kind === 'outcome' && result.outcome.status === 'success'
        ? [{ file: result.outcome.file, response: result.outcome.response }]
        : [],
    );
  }

  get #isDisabled(): boolean {
    return this.disabled || this.#formDisabled;
  }

  #dialog(part: 'dialog' | 'confirm'): HTMLDialogElement | null {
    return this.renderRoot.querySelector<HTMLDialogElement>(`dialog[part="${part}"]`);
  }

  /** Closing while files upload asks first: they can go on in the background, or stop. */
  #requestClose = () => {
    if (this.status === 'uploading') this.#dialog('confirm')?.showModal();
    else this.#closeDialog();
  };

  #onDialogCancel = (event: Event) => {
    if (event.target !== this.#dialog('dialog') || this.status !== 'uploading') return;
    event.preventDefault();
    this.#dialog('confirm')?.showModal();
  };

  // Escape, or a form with method="dialog" inside: the browser closed it (its `close` event comes a task later).
  #onDialogClose = (event: Event) => {
    if (event.target === this.#dialog('dialog') && this.#dialogOpen) this.#closeDialog();
  };

  /** Closes the dialog at once (the results move back under the button) and puts focus back where it was. */
  #closeDialog(): void {
    this.#dialog('confirm')?.close();
    this.#dialog('dialog')?.close();
    if (!this.#dialogOpen) return;
    this.#dialogOpen = false;
    this.requestUpdate();
    const opener = this.#opener;
    this.#opener = null;
    const back =
      opener?.isConnected && !opener.matches(':disabled')
        ? opener
        : this.renderRoot.querySelector<HTMLElement>('[part="open-button"]');
    back?.focus();
  }

  // The `close` of the inner dialog bubbles to the outer one's listener; it must not close it.
  #onConfirmClose = (event: Event) => {
    event.stopPropagation();
  };

  #keepUploading = () => {
    this.#closeDialog();
  };

  #stopUploads = () => {
    this.#uppy.runtime?.uppy.cancelAll();
    this.#keepUploading();
  };

  /**
   * Scrolls just enough to bring `selector` into view when it is out of it, as long as the person is looking at the
   * widget: results appear under the drop zone, and after picking on a phone the Upload button can be below the fold.
   */
  #reveal(selector: string): void {
    requestAnimationFrame(() => {
      const target = this.renderRoot.querySelector<HTMLElement>(selector);
      if (!target || this.#dialogOpen) return;
      const self = this.getBoundingClientRect();
      const box = target.getBoundingClientRect();
      const looking = self.bottom > 0 && self.top < innerHeight;
      if (!looking || box.height === 0 || (box.top >= 0 && box.bottom <= innerHeight + 1)) return;
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

  /** Loads the strings of the language asked for (or of the `lang` around the element); English meanwhile. */
  #syncLocale(): void {
    const tag = this.locale || inherited(this, 'lang') || 'en';
    if (tag === this.#localeTag) return;
    const first = this.#localeTag === '';
    this.#localeTag = tag;
    const load = () =>
      loadStrings(tag).then(
        (strings) => {
          if (this.#localeTag !== tag) return;
          this.#base = strings;
          this.requestUpdate();
        },
        // A language chunk that cannot load leaves the element in English rather than without words.
        () => undefined,
      );
    // English for the page is built in (en-page.ts); the rest loads when Uppy asks for it (`localeReady`).
    this.#localeReady = first && languageOf(tag) === 'en' ? load : load();
  }

  /** The page's `dir` around the element, else the direction of its language. */
  #direction(): 'ltr' | 'rtl' {
    const declared = inherited(this, 'dir')?.toLowerCase();
    if (declared === 'rtl' || declared === 'ltr') return declared;
    return this.#strings.direction === 'rtl' ? 'rtl' : 'ltr';
  }

  /** @internal The locale's words for an error's code (server and browser say the same thing, in the page's language). */
  localizeError(error: UploadError): UploadError {
    const words = (this.#strings.errors as Record<string, string>)[error.code];
    return words && !error.message.startsWith(words)
      ? new UploadError(error.code, fill(words, { status: error.status }, this.#strings.language), {
          cause: error,
          status: error.status,
          ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
        })
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
    if (this.#isDisabled) return false;
    const check = checkOptions(this.#options, count);
    if (check.ok) return true;
    // Uppy asks once per file; a batch gets one event.
    if (!this.#cancelQueued) {
      this.#cancelQueued = true;
      queueMicrotask(() => this.#cancelBatch(check.reason, this.#ruleError(check.error)));
    }
    return false;
  }

  /** @internal Deletes an asset uploaded with `return-delete-token`, by its token (Cloudinary's `delete_by_token`). */
  async deleteUpload(token: string): Promise<void> {
    const { deleteByToken } = await import('../backends/delete-token.js');
    await deleteByToken(this.uploadUrl, this.#cloudName, token);
  }

  /** A naming rule's refusal in the locale's words (the rules themselves speak English, for the server's logs). */
  #ruleError(error: UploadError): UploadError {
    const words = (this.#strings.rules as Record<string, string>)[error.code];
    return words ? new UploadError(error.code, fill(words, LIMITS, this.#strings.language), { cause: error }) : error;
  }

  /** @internal */
  runtimeOptions(): Omit<RuntimeOptions, 'root'> | null {
    const target = this.renderRoot.querySelector<HTMLElement>('#dashboard');
    if (!target) return null;
    return {
      target,
      height: this.#dashboardHeight(),
      settings: this.runtimeSettings(),
      localFiles: this.#sources().includes('local'),
      camera: this.#sources().includes('camera'),
      remoteSources: this.#sources().filter((s): s is RemoteSource => s === 'url' || s === 'dropbox'),
      companionUrl: this.companionUrl || `${this.uploadUrl.replace(/\/+$/, '')}/companion`,
      getBackend: () => this.backend,
      defaultBackend: () => this.#defaultBackend(),
      stripMetadata: () => !this.keepMetadata,
      crop: this.crop ? () => ({ aspectRatio: this.cropAspectRatio, required: this.cropRequired }) : null,
      // As set; downscale.ts reads them (its own rules for what counts as no limit).
      downscale: () => ({
        maxWidth: this.maxImageWidth,
        maxHeight: this.maxImageHeight,
        quality: this.imageQuality,
        validate: this.validateDimensions,
        minWidth: this.minImageWidth,
        minHeight: this.minImageHeight,
      }),
      onWait: (wait) => this.#uppy.tracker?.waiting(wait),
      getParams: (file, index, count) => {
        const params = paramsFor(this.#options, index, count);
        const folder = folderFor(this.#options.folder, relativePathOf(file));
        return {
          ...params,
          ...(folder ? { folder } : {}),
          ...(this.returnDeleteToken ? { return_delete_token: true } : {}),
        };
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
      localize: (error) => this.localizeError(error),
      onRefused: (file, error) => this.#uppy.tracker?.refuseBeforeUpload(file, error),
      onImportRefused: (subject, error) => this.#uppy.tracker?.notice(subject, error, `link-${subject}`, true),
    };
  }

  /** @internal What Uppy follows while it runs: limits, words, direction and colours. */
  runtimeSettings(): RuntimeSettings {
    return {
      restrictions: this.restrictions(),
      locale: this.#strings,
      direction: this.#direction(),
      theme: this.theme,
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
    const strings = this.#strings;
    return { ...limits, note: strings.dashboardNote || describeLimits(limits, strings.limits, strings.language) };
  }

  /** @internal Settles once the upload server has said what it can serve (or could not say). */
  get serverInfoReady(): Promise<unknown> {
    return this.#serverInfoReady;
  }

  /** @internal Settles once the strings of the language asked for have loaded (or could not). */
  get localeReady(): Promise<unknown> {
    if (typeof this.#localeReady === 'function') this.#localeReady = this.#localeReady();
    return this.#localeReady;
  }

  /** @internal The strings in force: the locale's, with `strings` applied. */
  get words(): SignetLocale {
    return this.#strings;
  }

  /** @internal */
  get baseFolder(): string {
    return this.#options.folder;
  }

  /** @internal With a name and `multiple`, uploaded files stay (as the form's value) until removed or reset. */
  get keepsUploads(): boolean {
    return this.name !== '' && this.multiple;
  }

  /** @internal The results Uppy starts with: files the browser restored into the form before it loaded. */
  initialResults(): readonly Result[] {
    return resultsOf(this.#restored);
  }

  #sources(): string[] {
    return offeredSources(this.sources.split(/[\s,]+/).filter(Boolean), this.#serverInfo?.sources ?? null);
  }

  get #strings(): SignetLocale {
    const merged = this.#merged;
    if (merged?.base === this.#base && merged.overrides === this.strings) return merged.strings;
    const strings = withStrings(this.#base, this.strings);
    this.#merged = { base: this.#base, overrides: this.strings, strings };
    return strings;
  }

  get #cloudName(): string {
    return this.cloudName || this.#serverInfo?.cloudName || '';
  }

  #defaultBackend(): CloudinaryBackendOptions {
    const messages = this.#strings.errors;
    return {
      cloudName: this.#cloudName,
      uploadUrl: this.uploadUrl,
      resourceType: this.resourceType,
      chunkSize: this.chunkSize > 0 ? this.chunkSize : DEFAULTS.chunkSize,
      source: DEFAULTS.source,
      sign: this.#signer(messages.SIGNING_FAILED),
      messages,
    };
  }

  #signer(failed: string): Signer {
    // The signer module loads with the first upload, not with the page.
    return async (params, signal) => {
      const { checkSigned, signatureUrlSigner } = await import('../backends/signer.js');
      const base: Signer | undefined = this.signUpload
        ? async (params) =>
            checkSigned(
              { api_key: this.apiKey || this.#serverInfo?.apiKey || '', ...(await this.signUpload?.(params)) },
              failed,
            )
        : this.signatureUrl
          ? signatureUrlSigner(this.signatureUrl, { SIGNING_FAILED: failed })
          : undefined;
      if (!base) throw new UploadError('SIGNING_FAILED', `${failed} (no signature-url set)`);
      const signed = await base(params, signal);
      return { ...signed, api_key: signed.api_key || this.apiKey || this.#serverInfo?.apiKey || '' };
    };
  }
}

/** Uploaded files as result lines (a restored form value shown as the results it came from). */
function resultsOf(attachments: readonly Attachment[]): Result[] {
  return attachments.map(({ file, response }) => ({
    kind: 'outcome',
    key: file.id,
    outcome: { status: 'success', file, response },
    before: false,
  }));
}

/** The nearest value of an attribute on the element or around it, across shadow roots (`lang`, `dir`). */
function inherited(element: Element, attribute: 'lang' | 'dir'): string | null {
  for (let node: Element | null = element; node; ) {
    const value = node.getAttribute(attribute);
    if (value) return value;
    node = node.parentElement ?? ((node.getRootNode() as Partial<ShadowRoot>).host as Element | undefined) ?? null;
  }
  return null;
}

/** The focused element, inside shadow roots too. */
function deepActiveElement(): HTMLElement | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : null;
}
