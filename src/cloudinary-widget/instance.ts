/**
 * The object `cloudinary.createUploadWidget(options, callback)` returns: one <signet-uploader> in a frame, set from
 * Cloudinary's options (options.ts, styles.ts, text.ts, signing.ts), telling the page what happens through its
 * callback (events.ts) and acting on the page as Cloudinary's widget does (page.ts). Instance methods as documented:
 * open, close, update, hide, show, minimize, destroy, isShowing, isMinimized, isDestroyed.
 */

import type { Body, Meta, Uppy, UppyFile } from '@uppy/core';
import { deleteByToken } from '../backends/delete-token.js';
import { UploadError } from '../errors.js';
import type { SignetUploader } from '../uploader/uploader.js';
import { listen, type QueueItem, type SuccessInfo, type WidgetCallback, type WidgetResult } from './events.js';
import { type Display, Frame } from './frame.js';
import {
  CLOUDINARY_API,
  elementSettings,
  normalize,
  presetsProvider,
  tagsProvider,
  unsupported,
  type WidgetOptions,
} from './options.js';
import { addFormInput, addThumbnail, addUploadButton, adoptPageStyles, resolveElement } from './page.js';
import { widgetBackend } from './signing.js';
import { styleProperties, unsupportedStyles } from './styles.js';
import { mapText } from './text.js';
import type { FrameWords } from './words.js';

/** Options `update()` cannot change (Cloudinary's list). */
const FIXED_ON_UPDATE = ['secure', 'uploadSignature', 'getTags', 'preBatch', 'inlineContainer', 'fieldName'];

const reported = new Set<string>();

/** Each option this widget cannot honour is said once per page, by name: never silently ignored. */
export function reportUnsupported(names: readonly string[]): void {
  const fresh = names.filter((name) => !reported.has(name));
  for (const name of fresh) reported.add(name);
  if (fresh.length)
    console.warn(
      `Signet Upload: these Cloudinary widget options are not supported and have no effect: ${fresh.join('; ')}. See the README, "Coming from Cloudinary's widget".`,
    );
}

/** `cloudinary.setCloudName` / `setAPIKey`, shared by every widget of the page. */
export interface GlobalDefaults {
  cloudName: string;
  apiKey: string;
}

export class CloudinaryUploadWidget {
  #options: WidgetOptions;
  readonly #callback: WidgetCallback | undefined;
  readonly #defaults: GlobalDefaults;
  readonly #frame: Frame;
  #element!: SignetUploader;
  #stopListening = () => {};
  #words: FrameWords;
  #destroyed = false;
  /** applyUploadWidget's element and the button that replaced it. */
  readonly #applied: { element: HTMLElement; button: HTMLAnchorElement } | null = null;
  readonly #form: HTMLFormElement | null;
  readonly #fieldName: string;
  readonly #thumbnailsAfter: Element | null;
  /** Files uploaded since the widget was last reset, for `show-completed`. */
  #completed: QueueItem[] = [];
  /** The page's `preBatch` verdict for each chosen file's batch. */
  #gates = new WeakMap<Blob, Promise<void>>();

  constructor(
    options: Record<string, unknown>,
    callback: WidgetCallback | undefined,
    defaults: GlobalDefaults,
    applyTo: HTMLElement | null = null,
  ) {
    this.#options = normalize(options);
    this.#callback = typeof callback === 'function' ? callback : undefined;
    this.#defaults = defaults;
    const o = this.#options;
    const container = o.inlineContainer ? resolveElement(o.inlineContainer) : null;
    if (o.inlineContainer && !container)
      throw new Error(
        "[Cloudinary.UploadWidget]: 'inlineContainer' param must either be a valid HTMLElement or a selector string",
      );
    const text = mapText(o.text, o.language);
    this.#words = text.frame;
    reportUnsupported([...unsupported(o), ...unsupportedStyles(o.styles), ...text.unmapped]);
    adoptPageStyles();
    // Cloudinary's defaults for applyUploadWidget: the element's form, its `name`, thumbnails right after it.
    this.#form = resolveElement<HTMLFormElement>(o.form) ?? applyTo?.closest('form') ?? null;
    this.#fieldName = o.fieldName || applyTo?.getAttribute('name') || 'image';
    this.#thumbnailsAfter = applyTo;
    this.#frame = new Frame({
      container,
      words: this.#words,
      showCompletedButton: o.showCompletedButton === true,
      position: o.queueViewPosition,
      onClose: () => this.#close(false),
      onToggle: () => (this.#frame.display === 'minimized' ? this.show() : this.minimize()),
      onShowCompleted: () => this.#emit(null, { event: 'show-completed', info: { items: [...this.#completed] } }),
    });
    this.#frame.setProperties(styleProperties(o.styles));
    this.#mount();
    if (applyTo) {
      const button = addUploadButton(
        applyTo,
        o.buttonCaption || this.#words.button,
        o.buttonClass || 'cloudinary-button',
        () => this.open(),
      );
      this.#applied = { element: applyTo, button };
    }
  }

  /** Shows the widget, on `source`'s tab (`local`, `url`, `dropbox`), adding `files` (File objects or URLs). */
  open(source?: string | null, opts: { files?: readonly (File | string)[] } = {}): this {
    if (this.#destroyed) return this;
    this.#setDisplay('shown');
    const tab = source || this.#options.defaultSource;
    if (tab || opts.files?.length) void this.#openOn(tab, opts.files ?? []);
    return this;
  }

  /** Closes the widget and resets it (unless files are uploading: they go on); `quiet` sends no `close`. */
  close(opts: { quiet?: boolean } = {}): this {
    if (!this.#destroyed) this.#close(opts.quiet === true);
    return this;
  }

  /** Changes options (not `secure`, `uploadSignature`, `getTags`, `preBatch`, `inlineContainer`, `fieldName`). */
  async update(options: Record<string, unknown>): Promise<this> {
    if (this.#destroyed) return this;
    const next = normalize(options);
    for (const key of FIXED_ON_UPDATE) delete next[key];
    this.#options = { ...this.#options, ...next };
    const text = mapText(this.#options.text, this.#options.language);
    reportUnsupported([...unsupported(next), ...unsupportedStyles(next.styles), ...text.unmapped]);
    this.#words = text.frame;
    this.#frame.setWords(this.#words);
    this.#frame.setProperties(styleProperties(this.#options.styles));
    this.#configure(this.#element);
    await this.#element.updateComplete;
    return this;
  }

  /** Hides the widget without resetting it. */
  hide(): this {
    if (!this.#destroyed) this.#setDisplay('hidden');
    return this;
  }

  /** Shows a hidden or minimised widget as it was. */
  show(): this {
    if (!this.#destroyed) this.#setDisplay('shown');
    return this;
  }

  /** Shrinks the window to a bar in a corner while files upload (not for an inline widget). */
  minimize(): this {
    if (!this.#destroyed && !this.#frame.inline && this.#frame.display !== 'hidden') this.#setDisplay('minimized');
    return this;
  }

  /** Removes the widget, its listeners and applyUploadWidget's button; `removeThumbnails` removes the list too. */
  async destroy(opts: { removeThumbnails?: boolean } = {}): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#stopListening();
    this.#frame.remove();
    if (this.#applied) {
      this.#applied.button.remove();
      this.#applied.element.style.display = '';
    }
    if (opts.removeThumbnails) document.querySelector('ul.cloudinary-thumbnails')?.remove();
  }

  isShowing(): boolean {
    return !this.#destroyed && this.#frame.display !== 'hidden';
  }

  isMinimized(): boolean {
    return !this.#destroyed && this.#frame.display === 'minimized';
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  /** The element inside (for pages that want its own API too). */
  get element(): SignetUploader {
    return this.#element;
  }

  #setDisplay(display: Display): void {
    const before = this.#frame.display;
    if (before === display) return;
    this.#frame.setDisplay(display);
    const said = display === 'shown' && before === 'minimized' ? 'expanded' : display;
    this.#emit(null, { event: 'display-changed', info: said });
  }

  #close(quiet: boolean): void {
    this.#setDisplay('hidden');
    if (!quiet) this.#emit(null, { event: 'close', info: { message: 'user closed the widget' } });
    // A closed widget opens fresh next time; files still uploading go on and stay listed.
    const status = this.#element.status;
    if (status !== 'idle' && status !== 'uploading') this.#mount();
  }

  /** A new element in the frame, set from the options and listened to. */
  #mount(): void {
    this.#stopListening();
    const element = document.createElement('signet-uploader');
    this.#configure(element);
    this.#completed = [];
    this.#frame.offerCompleted(false);
    this.#stopListening = listen(element, {
      emit: (error, result) => this.#emit(error, result),
      uploadUrl: () => this.#options.uploadUrl || CLOUDINARY_API,
      onSuccess: (info) => this.#onSuccess(info),
      onQueuesStart: () => {
        this.#frame.setState(this.#words.uploading);
        if (this.#options.autoMinimize === true) this.minimize();
      },
      onQueuesEnd: (items) => this.#onQueuesEnd(items),
      onRun: (uppy, files) => this.#preBatch(uppy, files),
    });
    this.#element = element;
    this.#frame.hold(element);
  }

  /** Sets the element from the options (again after `update`; options locked by queued files keep their value). */
  #configure(element: SignetUploader): void {
    const o = this.#options;
    for (const [key, value] of Object.entries(elementSettings(o))) {
      try {
        Object.assign(element, { [key]: value });
      } catch (error) {
        if (!(error instanceof UploadError && error.code === 'OPTIONS_LOCKED')) throw error;
        console.warn(`Signet Upload: ${key} not updated while files wait in the queue.`);
      }
    }
    element.mode = 'inline';
    element.strings = mapText(o.text, o.language).strings;
    element.getTags = o.getTags ? tagsProvider(o.getTags) : undefined;
    element.getUploadPresets = o.getUploadPresets ? presetsProvider(o.getUploadPresets) : undefined;
    for (const [name, value] of Object.entries(styleProperties(o.styles))) element.style.setProperty(name, value);
    element.backend = widgetBackend({
      // Read at each file: `update()` applies to the next upload.
      options: () => this.#options,
      defaults: this.#defaults,
      words: () => this.#words,
      localize: (error) => element.localizeError(error),
      gate: (file) => (file ? (this.#gates.get(file) ?? Promise.resolve()) : Promise.resolve()),
      report: reportUnsupported,
    });
  }

  #onSuccess(info: SuccessInfo): void {
    if (this.#form) addFormInput(this.#form, this.#fieldName, info);
    const place = this.#options.thumbnails;
    if (place === false) return;
    const container = place ? resolveElement(place) : null;
    if (!container && !this.#thumbnailsAfter) return;
    addThumbnail(info, {
      container,
      after: this.#thumbnailsAfter,
      deleteByToken: (token) => this.#deleteByToken(token),
      onDeleted: (deleted) =>
        this.#form
          ?.querySelector(
            `input[name="${CSS.escape(this.#fieldName)}"][data-cloudinary-public-id="${CSS.escape(deleted.public_id)}"]`,
          )
          ?.remove(),
    });
  }

  async #deleteByToken(token: string): Promise<boolean> {
    const cloud = this.#options.cloudName || this.#defaults.cloudName || this.#element.cloudName;
    return deleteByToken(this.#options.uploadUrl || CLOUDINARY_API, cloud, token).then(
      () => true,
      () => false,
    );
  }

  #onQueuesEnd(items: QueueItem[]): void {
    this.#frame.setState(this.#words.uploaded);
    this.#completed.push(...items.filter((item) => !item.failed));
    this.#frame.offerCompleted(this.#completed.length > 0);
    // Cloudinary's singleUploadAutoClose (on by default): one file, uploaded, closes the widget.
    const single = this.#options.multiple === false && this.#options.singleUploadAutoClose !== false;
    if (single && items.length > 0 && items.every((item) => !item.failed)) this.#close(false);
  }

  /**
   * The page's `preBatch(cb, {files})` sees each new batch before its first byte is sent; `cb({cancel: true})`
   * cancels it. Uploads of the batch wait for the verdict (signing.ts awaits the gate).
   */
  #preBatch(uppy: Uppy<Meta, Body>, files: UppyFile<Meta, Body>[]): void {
    const preBatch = this.#options.preBatch;
    const fresh = files.filter((f) => f.data instanceof Blob && !this.#gates.has(f.data));
    if (typeof preBatch !== 'function' || fresh.length === 0) return;
    const verdict = new Promise<void>((resolve, reject) => {
      preBatch(
        (answer) => {
          if (!answer?.cancel) return resolve();
          reject(new UploadError('ABORTED', 'The page cancelled this batch (preBatch).'));
          uppy.cancelAll();
        },
        { files: fresh.map((f) => ({ name: f.name ?? '', size: f.size ?? 0, type: f.type ?? '' })) },
      );
    });
    verdict.catch(() => {});
    for (const file of fresh) this.#gates.set(file.data as Blob, verdict);
  }

  async #openOn(source: string | undefined, files: readonly (File | string)[]): Promise<void> {
    const { uppy, dashboard } = await this.#element.ready;
    const panel = { url: 'Url', dropbox: 'Dropbox' }[source ?? ''];
    if (panel && uppy.getPlugin(panel)) dashboard.showPanel(panel);
    const local = files.filter((f): f is File => f instanceof Blob);
    if (local.length)
      uppy.addFiles(local.map((file) => ({ name: file.name, type: file.type, data: file, source: 'cloudinary-open' })));
    const links = files.filter((f): f is string => typeof f === 'string');
    const url = uppy.getPlugin('Url') as unknown as { addFile(url: string): Promise<unknown> } | undefined;
    if (links.length && !url) reportUnsupported(['open(source, {files}) with URLs (needs the url source)']);
    for (const link of links) await url?.addFile(link);
  }

  #emit(error: Parameters<WidgetCallback>[0], result: WidgetResult): void {
    const callback = this.#callback;
    if (!callback) return;
    try {
      callback(error, result);
    } catch (thrown) {
      // The page's own error: surfaced as it would be, without breaking the widget's bookkeeping.
      queueMicrotask(() => {
        throw thrown;
      });
    }
  }
}
