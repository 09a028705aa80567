import type { Body, Meta, UppyFile } from '@uppy/core';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { UploadError } from '../errors.js';
import type { FileSummary, UploadOutcome } from '../events/file-summary.js';
import { SignetQueueCompleteEvent } from '../events/queue-complete.js';
import { SignetUploadErrorEvent } from '../events/upload-error.js';
import { SignetUploadSuccessEvent } from '../events/upload-success.js';
import type { UploadApiResponse, UploadParams } from '../protocol/params.js';
import { statusOf } from './status.js';
import type { RuntimeOptions, RuntimeRestrictions, UppyRuntime } from './uppy-runtime.js';

/** What the controller needs from its element; kept narrow so the element stays the only public surface. */
export interface UppyHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly hasUpdated: boolean;
  status: ReturnType<typeof statusOf>;
  runtimeOptions(): Omit<RuntimeOptions, 'root'> | null;
  restrictions(): RuntimeRestrictions;
}

/**
 * Owns the Uppy instance of one <signet-uploader>: loads the runtime on connect, tears it down on disconnect
 * (teardown mirrors setup), and turns Uppy's events into the element's status and typed DOM events.
 */
export class UppyController implements ReactiveController {
  readonly host: UppyHost;
  runtime: UppyRuntime | undefined;
  /** Resolves once Uppy is up; tests and `open()` wait on it. */
  ready: Promise<UppyRuntime>;
  #resolveReady!: (runtime: UppyRuntime) => void;
  #generation = 0;
  #outcomes: UploadOutcome[] = [];
  #restrictionsKey = '';

  constructor(host: UppyHost) {
    this.host = host;
    this.ready = this.#newReady();
    host.addController(this);
  }

  hostConnected(): void {
    // A re-connected element does not render again, so start here; the first start waits for the first render.
    if (this.host.hasUpdated && !this.runtime) void this.#start();
  }

  hostUpdated(): void {
    if (!this.host.isConnected) return;
    if (!this.runtime) {
      void this.#start();
      return;
    }
    const restrictions = this.host.restrictions();
    const key = JSON.stringify(restrictions);
    if (key !== this.#restrictionsKey) {
      this.#restrictionsKey = key;
      this.runtime.setRestrictions(restrictions);
    }
  }

  hostDisconnected(): void {
    this.#generation++;
    this.runtime?.destroy();
    this.runtime = undefined;
    this.ready = this.#newReady();
  }

  /** Recreates Uppy, e.g. after `mode` changed (the Dashboard cannot switch between inline and modal). */
  restart(): void {
    this.hostDisconnected();
    if (this.host.isConnected) void this.#start();
  }

  #newReady(): Promise<UppyRuntime> {
    return new Promise((resolve) => {
      this.#resolveReady = resolve;
    });
  }

  async #start(): Promise<void> {
    const generation = ++this.#generation;
    const options = this.host.runtimeOptions();
    if (!options) return;
    const { createRuntime } = await import('./uppy-runtime.js');
    // Disconnected (or restarted) while the chunk loaded: a newer start owns the element now.
    if (generation !== this.#generation || !this.host.isConnected || this.runtime) return;
    const runtime = await createRuntime({ ...options, root: this.host.renderRoot as ShadowRoot });
    if (generation !== this.#generation || !this.host.isConnected || this.runtime) {
      runtime.destroy();
      return;
    }
    this.#restrictionsKey = JSON.stringify(options.restrictions);
    this.runtime = runtime;
    this.#listen(runtime);
    this.#resolveReady(runtime);
  }

  #listen({ uppy }: UppyRuntime): void {
    const update = () => {
      this.host.status = statusOf(uppy.getFiles());
    };
    uppy.on('state-update', update);
    // One person-visible run can be several Uppy uploads (Uppy retries failed files first, then starts the new
    // ones, and fires `complete` once): outcomes gather until `complete`, and a cancel drops them.
    uppy.on('cancel-all', () => {
      this.#outcomes = [];
    });
    uppy.on('upload-success', (file, response) => {
      if (!file) return;
      const body = response.body as unknown as UploadApiResponse;
      this.#outcomes.push({ status: 'success', file: summary(file), response: body });
      const params = (file.meta as { signetParams?: UploadParams }).signetParams ?? {};
      this.host.dispatchEvent(new SignetUploadSuccessEvent(summary(file), body, params));
    });
    uppy.on('upload-error', (file, cause) => {
      if (!file) return;
      const error = cause instanceof UploadError ? cause : new UploadError('INTERNAL', cause.message, { cause });
      this.#outcomes.push({ status: 'error', file: summary(file), error });
      uppy.info(`${file.name}: ${error.message}`, 'error', 8000);
      this.host.dispatchEvent(new SignetUploadErrorEvent(summary(file), error));
    });
    uppy.on('complete', () => {
      update();
      this.host.dispatchEvent(new SignetQueueCompleteEvent(this.#outcomes));
      this.#outcomes = [];
    });
  }
}

function summary(file: UppyFile<Meta, Body>): FileSummary {
  return { id: file.id, name: file.name ?? '', size: file.size ?? 0, type: file.type ?? '' };
}
