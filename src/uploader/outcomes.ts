/**
 * What became of each file, kept for the person and told to the page: Uppy's events turned into the results under
 * the drop zone, the element's status and its typed DOM events. Loaded with Uppy (it is only needed once files can
 * be added), so the element's eager part stays small. Uppy's queue keeps only work still to do: a file that ended
 * (stored, existing, refused) leaves it for the results when its run completes; a failure a retry can cure stays.
 */
import type { Body, Meta, Uppy, UppyFile } from '@uppy/core';
import type { RetryWait } from '../backends/retry.js';
import { UploadError } from '../errors.js';
import { SignetBatchCancelledEvent } from '../events/batch-cancelled.js';
import type { FileSummary, UploadOutcome } from '../events/file-summary.js';
import { SignetQueueCompleteEvent } from '../events/queue-complete.js';
import { SignetUploadErrorEvent } from '../events/upload-error.js';
import { SignetUploadExistingEvent } from '../events/upload-existing.js';
import { SignetUploadSuccessEvent } from '../events/upload-success.js';
import { fill } from '../locales/fill.js';
import type { BatchCancelReason } from '../options/options.js';
import { checkTree, fixRelativePath } from '../options/tree.js';
import type { UploadApiResponse, UploadParams } from '../protocol/params.js';
import { cropOf } from './crop-box.js';
import { resizedOf } from './downscale.js';
import { restrictionError, tooMany } from './restrictions.js';
import { outcomeFor, type Result } from './results-view.js';
import { statusOf } from './status.js';
import { removedFrom } from './strip-metadata.js';
import type { UppyHost } from './uppy-controller.js';

const relativePathOf = (file: { meta: Record<string, unknown> }): string | null =>
  typeof file.meta.relativePath === 'string' ? file.meta.relativePath : null;

export class OutcomeTracker {
  readonly host: UppyHost;
  readonly uppy: Uppy<Meta, Body>;
  /** What the person is told, one entry per file (or held folder, or refused link), oldest first. */
  results: readonly Result[];
  /** Files in Uppy's queue (waiting, uploading, or failed and retryable). */
  queued = 0;
  /** Files in the run under way, announced once as it starts ("Uploading 3 files…"); 0 between runs. */
  running = 0;
  /** Why the run is not moving (offline, or a failed request's backoff); null once the server answers again. */
  network: RetryWait | null = null;
  /** The outcomes of the batch so far: refusals before upload, then the run's files. */
  #outcomes: UploadOutcome[] = [];
  /** The last run's verdict while nothing waits; null before any run and once a new batch begins. */
  #lastRun: 'complete' | 'error' | null = null;
  /** A run ended: the next file the person adds starts a new batch, and the old results give way. */
  #settled = false;
  /** Messages of restrictions and upload errors reported in this task: Uppy's informer repeats them. */
  #restrictionMessages = new Set<string>();
  #uploadErrorMessages = new Set<string>();

  /** `results`: those of an earlier Uppy of the same element (rebuilt when its sources or mode changed). */
  constructor(uppy: Uppy<Meta, Body>, host: UppyHost, results: readonly Result[] = []) {
    this.uppy = uppy;
    this.host = host;
    this.results = results;
    this.#settled = results.length > 0;
    this.#listen(uppy);
  }

  /** Sends a failed file again (Retry in the results). */
  async retry(fileId: string): Promise<void> {
    const { uppy } = this;
    if (!uppy.getFile(fileId)) return;
    this.#forget([fileId]);
    // Uppy's retryUpload runs the file but, unlike upload() and retryAll(), fires no `complete`.
    await uppy.retryUpload(fileId);
    this.#complete();
  }

  /** A failed request waits to be tried again (upload-plugin.ts `onWait`): the summary says why nothing moves. */
  waiting(wait: RetryWait | null): void {
    if (this.network === wait) return;
    this.network = wait;
    this.host.requestUpdate();
  }

  /** Adds the files of a held-back folder again under the fixed name (the person accepted the suggestion). */
  fix(key: string): void {
    const held = this.results.find((r) => r.kind === 'held' && r.key === key);
    if (held?.kind !== 'held') return;
    this.#setResults(this.results.filter((r) => r !== held));
    this.uppy.addFiles(
      held.files.map((f) => ({
        source: 'signet-folder-fix',
        name: f.name,
        type: f.type,
        data: f.data,
        meta: { relativePath: fixRelativePath(f.relativePath) },
      })),
    );
  }

  /** Empties the results (the person's Clear), but for the lines a batch keeps (see isKept). */
  clearResults(): void {
    this.#setResults(this.results.filter((r) => this.isKept(r)));
  }

  /**
   * Whether a line outlives a new batch and Clear: a failure still queued (its Retry needs it), and where uploaded
   * files are a form's value across batches (a named field with `multiple`), each uploaded file until removed.
   */
  isKept(result: Result): boolean {
    if (result.kind !== 'outcome') return false;
    const { outcome } = result;
    if (outcome.status === 'failed') return this.#queued(outcome.file.id);
    return outcome.status === 'success' && this.host.keepsUploads;
  }

  /** Takes one line away (the person's Remove of an uploaded file: it leaves the form's value). */
  removeResult(key: string): void {
    this.#setResults(this.results.filter((r) => r.key !== key));
  }

  /** Deletes an uploaded file from the server with its delete token; its line (and form value entry) goes. */
  async deleteUploaded(key: string): Promise<void> {
    const result = this.results.find((r) => r.key === key);
    if (result?.kind !== 'outcome' || result.outcome.status !== 'success') return;
    const token = (result.outcome.response as { delete_token?: unknown }).delete_token;
    if (typeof token !== 'string') return;
    try {
      await this.host.deleteUpload(token);
      this.removeResult(key);
    } catch (cause) {
      const error = cause instanceof UploadError ? cause : new UploadError('INTERNAL', String(cause), { cause });
      // Said beside the line, which stays (the file is still stored): it concerns this batch, not a new one.
      this.notice(result.outcome.file.name, this.host.localizeError(error), `delete-${key}`, true, false);
    }
  }

  /** The form was reset: nothing uploaded, nothing chosen, nothing to say. */
  reset(): void {
    this.uppy.cancelAll();
    this.#outcomes = [];
    this.#lastRun = null;
    this.#settled = false;
    this.running = 0;
    this.#setResults([]);
    this.host.status = statusOf(this.uppy.getFiles(), null);
  }

  /** The browser restored the form's value (uploaded files) after Uppy had loaded. */
  restore(results: readonly Result[]): void {
    this.#settled = results.length > 0;
    this.#setResults(results);
  }

  /** Whether a file is still in Uppy's queue. */
  isQueued(fileId: string): boolean {
    return this.#queued(fileId);
  }

  /** A file the browser-side checks refused (an encrypted PDF): it leaves the batch and its message stays. */
  refuseBeforeUpload(file: UppyFile<Meta, Body>, error: UploadError): void {
    if (!this.uppy.getFile(file.id)) return;
    this.uppy.removeFile(file.id);
    this.#refused(summary(file), error);
  }

  /**
   * Something the person tried was refused before any file joined the queue (a link, invalid options); `key` makes a
   * repeated attempt replace its earlier line, `report` fires `signet-upload-error` for it.
   */
  notice(subject: string, error: UploadError, key: string, report = false, newBatch = true): void {
    if (newBatch) this.#beginBatch();
    const file: FileSummary = { id: key, name: subject, size: 0, type: '' };
    this.#add({ kind: 'outcome', key, outcome: { status: 'refused', file, error }, before: true });
    if (report) this.host.dispatchEvent(new SignetUploadErrorEvent(file, error));
  }

  /** Files were refused before any upload because an option is invalid (the element's admit check). */
  cancelBatch(reason: BatchCancelReason, error: UploadError): void {
    const message = `${this.host.words.batchCancelled[reason]} ${error.message}`;
    this.notice('', new UploadError(error.code, message, { cause: error }), `batch-${reason}`);
    // Built apart from dispatchEvent: the manifest analyzer reads `dispatchEvent(new X(a))` as an event named `a`.
    const event = new SignetBatchCancelledEvent(reason, message);
    this.host.dispatchEvent(event);
  }

  #listen(uppy: Uppy<Meta, Body>): void {
    const update = () => {
      const files = uppy.getFiles();
      this.queued = files.length;
      this.host.status = statusOf(files, this.#lastRun);
      this.host.requestUpdate();
    };
    uppy.on('state-update', update);
    uppy.on('cancel-all', () => {
      this.#outcomes = [];
      this.#lastRun = null;
      this.running = 0;
    });
    // A run begins (Upload, Retry, Retry all): announced once, with its count, until its files have ended.
    uppy.on('upload', (_id, files) => {
      this.running = files.length;
      this.host.requestUpdate();
    });
    uppy.on('files-added', (files) => {
      this.#beginBatch();
      this.#holdBadFolders(files as UppyFile<Meta, Body>[]);
    });
    uppy.on('restriction-failed', (file, error) => {
      this.#beginBatch();
      this.#restrictionMessages.add(error.message);
      // Until the informer's echo has been checked (a microtask after it; see info-visible).
      setTimeout(() => this.#restrictionMessages.clear());
      const restrictions = this.host.restrictions();
      const queued = uppy.getFiles().length;
      // Without a file: a whole pick over the count (Uppy refuses it before looking at each file).
      if (!file) this.notice('', tooMany(restrictions.maxNumberOfFiles ?? queued, this.host.words), 'too-many');
      else this.#refused(summary(file), restrictionError(file, restrictions, queued, this.host.words));
    });
    // The informer is off (its toasts fade and repeat); what it would have said joins the results once, unless the
    // results already say it: a restriction, a refused link (its UploadError, see remote-sources.ts), or an upload
    // error (Uppy's "Failed to upload <name>", told before our own upload-error listener runs, hence the microtask).
    uppy.on('info-visible', () => {
      const info = uppy.getState().info.at(-1);
      if (info?.type !== 'error' || info.details instanceof UploadError) return;
      // Uppy's own "No Internet connection" (Uppy.updateOnlineStatus) is no file's outcome: the summary says it.
      if (info.message === uppy.i18n('noInternetConnection')) return;
      queueMicrotask(() => {
        if (this.#restrictionMessages.has(info.message) || this.#uploadErrorMessages.has(info.message)) return;
        this.notice('', new UploadError(this.#codeOfInfo(info.message), info.message), `info-${info.message}`);
      });
    });
    uppy.on('upload-retry', (file) => {
      if (file) this.#forget([file.id]);
    });
    uppy.on('retry-all', (files) => this.#forget(files.map((f) => f.id)));
    uppy.on('upload-success', (file, response) => {
      if (!file) return;
      const body = response.body as unknown as UploadApiResponse;
      const params = (file.meta as { signetParams?: UploadParams }).signetParams ?? {};
      const about = summary(file as UppyFile<Meta, Body>);
      if (body.existing === true && !this.host.existingAsSuccess) {
        this.#outcomes.push({ status: 'existing', file: about, response: body });
        this.host.dispatchEvent(new SignetUploadExistingEvent(about, body, params));
      } else {
        this.#outcomes.push({ status: 'success', file: about, response: body });
        this.host.dispatchEvent(new SignetUploadSuccessEvent(about, body, params));
      }
    });
    uppy.on('upload-error', (file, cause) => {
      if (!file) return;
      this.#uploadErrorMessages.add(uppy.i18n('failedToUpload', { file: file.name ?? '' }));
      setTimeout(() => this.#uploadErrorMessages.clear());
      const error = this.host.localizeError(
        cause instanceof UploadError ? cause : new UploadError('INTERNAL', cause.message, { cause }),
      );
      const about = summary(file as UppyFile<Meta, Body>);
      this.#outcomes.push(outcomeFor(about, error));
      this.host.dispatchEvent(new SignetUploadErrorEvent(about, error));
    });
    uppy.on('complete', () => this.#complete());
  }

  /** A run ended: its files join the results, those that ended leave the queue, and the page hears once. */
  #complete(): void {
    this.network = null;
    const { uppy } = this;
    const outcomes = this.#outcomes;
    this.running = 0;
    if (outcomes.length === 0) {
      this.host.requestUpdate();
      return;
    }
    this.#outcomes = [];
    const shown = new Set(this.results.map((r) => r.key));
    // In the order the person added them (the queue's order), not the order the uploads happened to finish.
    const order = new Map(uppy.getFiles().map((f, i) => [f.id, i]));
    const sent = outcomes
      .filter((o) => !shown.has(o.file.id))
      .sort((a, b) => (order.get(a.file.id) ?? 0) - (order.get(b.file.id) ?? 0));
    this.#setResults([
      ...this.results,
      ...sent.map((outcome): Result => ({ kind: 'outcome', key: outcome.file.id, outcome, before: false })),
    ]);
    // The verdict of what was sent: files refused before (already told) do not make a run that went through fail.
    this.#lastRun = sent.some((o) => o.status === 'refused' || o.status === 'failed') ? 'error' : 'complete';
    this.#settled = true;
    const ended = outcomes.filter((o) => o.status !== 'failed').map((o) => o.file.id);
    // After Uppy has finished its own bookkeeping for this run.
    queueMicrotask(() => {
      const present = ended.filter((id) => uppy.getFile(id));
      if (present.length) uppy.removeFiles(present);
      else this.host.status = statusOf(uppy.getFiles(), this.#lastRun);
    });
    this.host.dispatchEvent(new SignetQueueCompleteEvent(outcomes));
  }

  /** The first thing added after a run starts a new batch: earlier results give way (failures still queued stay). */
  #beginBatch(): void {
    if (!this.#settled) return;
    this.#settled = false;
    this.#lastRun = null;
    this.clearResults();
  }

  #refused(file: FileSummary, error: UploadError): void {
    this.#beginBatch();
    const outcome: UploadOutcome = { status: 'refused', file, error };
    this.#outcomes.push(outcome);
    this.#add({ kind: 'outcome', key: file.id, outcome, before: true });
    this.host.dispatchEvent(new SignetUploadErrorEvent(file, error));
  }

  /** Files under a sub-folder whose name is refused are held back, with a fix to accept; the rest go ahead. */
  #holdBadFolders(files: readonly UppyFile<Meta, Body>[]): void {
    const { uppy } = this;
    const paths = files.map(relativePathOf);
    if (paths.every((p) => p === null)) return;
    const { held } = checkTree(this.host.baseFolder, paths);
    if (held.length === 0) return;
    const strings = this.host.words;
    for (const group of held) {
      const members = group.files.map((i) => files[i] as UppyFile<Meta, Body>);
      uppy.removeFiles(members.map((f) => f.id));
      this.#add({
        kind: 'held',
        key: `held-${group.folder}`,
        folder: group.folder,
        suggestion: group.suggestion,
        error: group.error.error,
        files: members.map((f) => ({
          data: f.data as Blob,
          name: f.name ?? 'file',
          type: f.type ?? '',
          relativePath: relativePathOf(f) ?? '',
        })),
      });
      const count = members.length;
      const message = fill(strings.folders.held, {
        folder: group.folder,
        files: count === 1 ? strings.folders.fileOne : fill(strings.folders.fileMany, { count }, strings.language),
      });
      this.host.dispatchEvent(new SignetBatchCancelledEvent('INVALID_FOLDER_NAME', message, members.map(summary)));
    }
  }

  #codeOfInfo(message: string): UploadError['code'] {
    const { remote } = this.host.words;
    if (message === remote.malformedUrl) return 'BAD_REQUEST';
    if (message === remote.connectionFailed) return 'NETWORK_ERROR';
    return 'RESTRICTED';
  }

  #add(result: Result): void {
    this.#setResults([...this.results.filter((r) => r.key !== result.key), result]);
  }

  /** Results of files that are about to be sent again. */
  #forget(fileIds: readonly string[]): void {
    const ids = new Set(fileIds);
    this.#setResults(this.results.filter((r) => r.kind !== 'outcome' || !ids.has(r.outcome.file.id)));
  }

  #setResults(results: readonly Result[]): void {
    this.results = results;
    this.host.requestUpdate();
  }

  #queued(fileId: string): boolean {
    return Boolean(this.uppy.getFile(fileId));
  }
}

function summary(file: UppyFile<Meta, Body>): FileSummary {
  const removed = removedFrom(file);
  const resized = resizedOf(file);
  const crop = cropOf(file);
  const convertedFrom = (file.meta as { signetConvertedFrom?: string }).signetConvertedFrom;
  return {
    id: file.id,
    name: file.name ?? '',
    size: file.size ?? 0,
    type: file.type ?? '',
    ...(removed.length ? { removed } : {}),
    ...(resized ? { resized } : {}),
    ...(crop ? { cropped: crop.box } : {}),
    ...(convertedFrom ? { converted: { from: convertedFrom, to: file.type ?? '' } } : {}),
  };
}
