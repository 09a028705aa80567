import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { UploadError } from '../errors.js';
import type { SignetLocale } from '../locales/en.js';
import type { EarlyPick } from './add-files.js';
import type { OutcomeTracker } from './outcomes.js';
import type { Result, ResultsView } from './results.js';
import type { UploaderStatus } from './status.js';
import type { RuntimeOptions, RuntimeRestrictions, RuntimeSettings, UppyRuntime } from './uppy-runtime.js';

/** What the controller needs from its element; kept narrow so the element stays the only public surface. */
export interface UppyHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly hasUpdated: boolean;
  status: UploaderStatus;
  /** Whether an existing asset (`existing: true`) counts as a success in events. */
  readonly existingAsSuccess: boolean;
  /** The strings in force: the locale's, overrides applied. */
  readonly words: SignetLocale;
  /** The folder the person chose: dropped trees go under it. */
  readonly baseFolder: string;
  /** Whether uploaded files stay listed across batches (a form field with `multiple`: they are its value). */
  readonly keepsUploads: boolean;
  /** Settles once the server has said what it can do (or could not say); Uppy starts after it. */
  readonly serverInfoReady: Promise<unknown>;
  /** Settles once the strings of the language asked for have loaded; Uppy starts after it. */
  readonly localeReady: Promise<unknown>;
  runtimeOptions(): Omit<RuntimeOptions, 'root'> | null;
  runtimeSettings(): RuntimeSettings;
  restrictions(): RuntimeRestrictions;
  /** Results to start with (a form value the browser restored before Uppy loaded). */
  initialResults(): readonly Result[];
  /** An error in the locale's words for its code. */
  localizeError(error: UploadError): UploadError;
  /** Deletes an asset uploaded with `return-delete-token`, by its token; rejects with an UploadError. */
  deleteUpload(token: string): Promise<void>;
}

/**
 * Owns the Uppy instance of one <signet-uploader>: loads the runtime on connect, tears it down on disconnect
 * (teardown mirrors setup). The runtime brings the OutcomeTracker (outcomes.ts), which turns Uppy's events into the
 * element's status, typed DOM events and the results the person reads.
 */
export class UppyController implements ReactiveController {
  readonly host: UppyHost;
  runtime: UppyRuntime | undefined;
  /** Resolves once Uppy is up; tests and `open()` wait on it. */
  ready: Promise<UppyRuntime>;
  /** Turns Uppy's events into results, status and DOM events; loaded with Uppy. */
  tracker: OutcomeTracker | undefined;
  /** Renders the results' lines; loaded with Uppy (the container and its live region are the element's own). */
  view: ResultsView | undefined;
  #resolveReady!: (runtime: UppyRuntime) => void;
  #readyPending = false;
  #generation = 0;
  /** A start is loading Uppy; updates meanwhile must not start another. */
  #starting = false;
  /** The person showed intent (or a caller asked for Uppy): load it. */
  #wanted = false;
  /** What the light drop zone took while Uppy loaded. */
  #early: EarlyPick[] = [];

  constructor(host: UppyHost) {
    this.host = host;
    this.ready = this.#newReady();
    host.addController(this);
  }

  hostConnected(): void {
    // Nothing heavy before the person acts: Uppy loads on the first sign of intent (see `want`).
    this.host.addEventListener('pointerenter', this.want);
    this.host.addEventListener('focusin', this.want);
    this.host.addEventListener('dragenter', this.want);
    // Files dragged onto the page are likely on their way to us.
    this.host.ownerDocument.addEventListener('dragenter', this.want, { capture: true });
    // A re-connected element does not render again, so start here; the first start waits for the first render.
    if (this.#wanted && this.host.hasUpdated && !this.runtime) void this.#start();
  }

  hostUpdated(): void {
    if (!this.host.isConnected) return;
    if (!this.runtime) {
      if (this.#wanted && !this.#starting) void this.#start();
      return;
    }
    void this.runtime.update(this.host.runtimeSettings());
  }

  /**
   * Loads Uppy from now on: called on a pointer over, focus in or a drag onto the element, a drag onto the page,
   * `open()`, `ready`, or files the light drop zone took. Until then the element shows its own light drop zone.
   */
  want = (): void => {
    if (this.#wanted) return;
    this.#wanted = true;
    if (this.host.isConnected && this.host.hasUpdated && !this.runtime && !this.#starting) void this.#start();
  };

  hostDisconnected(): void {
    this.host.removeEventListener('pointerenter', this.want);
    this.host.removeEventListener('focusin', this.want);
    this.host.removeEventListener('dragenter', this.want);
    this.host.ownerDocument.removeEventListener('dragenter', this.want, { capture: true });
    this.#generation++;
    this.#starting = false;
    this.runtime?.destroy();
    this.runtime = undefined;
    // Whoever awaits the Uppy being replaced gets the next one (a rebuild when the server narrowed the sources).
    const waiting = this.#readyPending ? this.#resolveReady : undefined;
    this.ready = this.#newReady();
    if (waiting) void this.ready.then(waiting);
  }

  /** Recreates Uppy, e.g. after `mode` changed (the Dashboard cannot switch between inline and modal). */
  restart(): void {
    this.hostDisconnected();
    if (this.host.isConnected) this.hostConnected();
  }

  /** Recreates Uppy if it is up or on its way (a start already under way would use stale options). */
  refresh(): void {
    if (this.runtime || this.#starting) this.restart();
  }

  /** Files the light drop zone took: added once Uppy is up (now, if it is). */
  take(pick: EarlyPick): void {
    if (this.runtime) void this.runtime.addEarly(pick);
    else {
      this.#early.push(pick);
      this.want();
    }
  }

  /** What the person is told (see outcomes.ts); empty until Uppy has loaded. */
  get results(): readonly Result[] {
    return this.tracker?.results ?? [];
  }

  /** Files in Uppy's queue (waiting, uploading, or failed and retryable). */
  get queued(): number {
    return this.tracker?.queued ?? 0;
  }

  #newReady(): Promise<UppyRuntime> {
    this.#readyPending = true;
    return new Promise((resolve) => {
      this.#resolveReady = (runtime) => {
        this.#readyPending = false;
        resolve(runtime);
      };
    });
  }

  async #start(): Promise<void> {
    const generation = ++this.#generation;
    if (!this.host.runtimeOptions()) return;
    this.#starting = true;
    try {
      await this.#load(generation);
    } finally {
      if (generation === this.#generation) this.#starting = false;
    }
  }

  async #load(generation: number): Promise<void> {
    // What the server can serve decides the sources and the limits: asked beside loading Uppy, and asked again
    // when `upload-url` changed meanwhile.
    const [{ createRuntime, OutcomeTracker, resultsView }] = await Promise.all([
      import('./uppy-runtime.js'),
      this.host.serverInfoReady,
      this.host.localeReady,
    ]);
    // Uppy starts with the words of the language asked for: a locale changed while loading is waited for too.
    for (;;) {
      const asked = [this.host.serverInfoReady, this.host.localeReady];
      await Promise.all(asked);
      if (asked[0] === this.host.serverInfoReady && asked[1] === this.host.localeReady) break;
    }
    // Disconnected (or restarted) while the chunk loaded: a newer start owns the element now.
    if (generation !== this.#generation || !this.host.isConnected || this.runtime) return;
    const options = this.host.runtimeOptions();
    if (!options) return;
    const runtime = await createRuntime({ ...options, root: this.host.renderRoot as ShadowRoot });
    if (generation !== this.#generation || !this.host.isConnected || this.runtime) {
      runtime.destroy();
      return;
    }
    this.runtime = runtime;
    this.tracker = new OutcomeTracker(runtime.uppy, this.host, this.tracker?.results ?? this.host.initialResults());
    this.view = resultsView;
    // The light drop zone gives way to the Dashboard before anyone waiting on `ready` looks at it.
    this.host.requestUpdate();
    await this.host.updateComplete;
    if (generation !== this.#generation) return; // disconnected meanwhile: that took the runtime down
    this.#resolveReady(runtime);
    for (const pick of this.#early.splice(0)) void runtime.addEarly(pick);
  }
}
