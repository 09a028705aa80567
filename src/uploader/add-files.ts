/**
 * Adds local files to Uppy in slices across tasks, so choosing or dropping 10,000 files never freezes the page:
 * each slice takes about SLICE_MS (its size adapts to how long the last one took), then the page gets to handle
 * input and paint before the next. Uppy's own `addFiles` does all of it in one synchronous call (with
 * transloadit/uppy#5806's per-file copy of the file map it was quadratic; scripts/patch-uppy.mjs makes it linear).
 *
 * A pick stays one batch for everyone listening: Uppy's per-slice `files-added` events are held back and given out
 * once, with every file, after the last slice; the count restriction and the element's admission are asked once,
 * for the whole pick, as Uppy would. Picks are added one after another, never interleaved.
 */
import type { Body, Meta, Uppy, UppyFile } from '@uppy/core';
import { getDroppedFiles } from '@uppy/core/utils';

/** A file as the Dashboard's picker, a drop or the light drop zone hands it over. */
export type LocalFile = File & {
  relativePath?: string | null;
  /** The type it had before the browser converted it (heic.ts). */
  convertedFrom?: string;
};

/**
 * Work on a pick before it joins the queue (HEIC to JPEG, heic.ts): a promise of the files to add instead, or null
 * when there is nothing to do (the pick is then added at once).
 */
export type PrepareFiles = (files: readonly LocalFile[]) => Promise<LocalFile[]> | null;

/** What the light drop zone took before Uppy loaded: files, or a drop's entries (its folders are read later). */
export interface EarlyPick {
  files: File[];
  items?: { entry: FileSystemEntry | null; file: File | null }[];
}

/** The files of an early pick, a dropped folder's with their paths (as the Dashboard reads a drop). */
export async function filesOf(pick: EarlyPick): Promise<LocalFile[]> {
  if (!pick.items) return pick.files;
  const items = pick.items.map(({ entry, file }) => ({ webkitGetAsEntry: () => entry, getAsFile: () => file }));
  return getDroppedFiles({ items, files: pick.files } as unknown as DataTransfer);
}

type Descriptor = Parameters<Uppy<Meta, Body>['addFiles']>[0][number];

/** A slice's share of the main thread before the page gets it back (under the 50 ms of a "long task"). */
const SLICE_MS = 12;
const FIRST_SLICE = 50;

export class SlicedAdder {
  readonly #uppy: Uppy<Meta, Body>;
  readonly #source: string;
  readonly #admit: (count: number) => boolean;
  readonly #prepare: PrepareFiles;
  #tail: Promise<void> = Promise.resolve();
  /** True while a slice of a pick the element admitted as a whole is being added. */
  admitted = false;
  /** Picks added or waiting; while any is, the next waits its turn. */
  #outstanding = 0;

  /** `admit` is the element's check of a batch of `count` files (it reports its own refusal). */
  constructor(
    uppy: Uppy<Meta, Body>,
    source: string,
    admit: (count: number) => boolean,
    prepare: PrepareFiles = () => null,
  ) {
    this.#uppy = uppy;
    this.#source = source;
    this.#admit = admit;
    this.#prepare = prepare;
  }

  /** Queues a pick; resolves once its files are in Uppy (or refused). */
  add(files: readonly LocalFile[]): Promise<void> {
    // Prepared meanwhile (while earlier picks go in), added in turn; if that fails, the files go as they are.
    const preparing = this.#prepare(files)?.catch(() => [...files]);
    this.#outstanding++;
    // Nothing outstanding: start now, so a small pick is in Uppy before this returns (as with Uppy's own addFiles).
    const run =
      this.#outstanding === 1 && !preparing
        ? this.#add(files)
        : this.#tail.then(async () => this.#add(preparing ? await preparing : files));
    this.#tail = run.catch(() => {});
    return run;
  }

  #add(files: readonly LocalFile[]): Promise<void> {
    let slicing: Promise<void> | undefined;
    try {
      slicing = this.#start(files);
    } finally {
      if (!slicing) this.#outstanding--;
    }
    return slicing ? slicing.finally(() => this.#outstanding--) : Promise.resolve();
  }

  /** Adds a small or refused pick at once (undefined); a large one goes on in slices (the promise). */
  #start(files: readonly LocalFile[]): Promise<void> | undefined {
    const uppy = this.#uppy;
    // Refusals that concern the whole pick are decided once: Uppy refuses a pick over the count entirely (a probe of
    // one file too many says so at once), and the element's admission refuses a batch once.
    const existing = uppy.getFiles().length;
    const max = uppy.opts.restrictions.maxNumberOfFiles;
    const room = max ? max - existing : Number.POSITIVE_INFINITY;
    if (files.length > room) return this.#addNow(this.#describe(files.slice(0, Math.max(0, room) + 1)));
    if (files.length <= FIRST_SLICE) return this.#addNow(this.#describe(files));
    if (!this.#admit(existing + files.length)) return undefined;
    return this.#slices(files);
  }

  /** Uppy's descriptors of some files, made slice by slice (10,000 at once took the pick's first task past 50 ms). */
  #describe(files: readonly LocalFile[]): Descriptor[] {
    return files.map((file) => ({
      source: this.#source,
      name: file.name,
      type: file.type,
      data: file,
      // The path under the folder the person chose or dropped, as the Dashboard records it.
      meta: {
        relativePath: file.relativePath || file.webkitRelativePath || null,
        ...(file.convertedFrom ? { signetConvertedFrom: file.convertedFrom } : {}),
      },
    }));
  }

  async #slices(files: readonly LocalFile[]): Promise<void> {
    const uppy = this.#uppy;
    const held: UppyFile<Meta, Body>[] = [];
    const emit = uppy.emit;
    // Per-slice batch events are held back (see the module comment); everything else goes out as it happens.
    uppy.emit = ((event: string, ...args: unknown[]) => {
      if (event === 'files-added') held.push(...(args[0] as UppyFile<Meta, Body>[]));
      else (emit as (event: string, ...args: unknown[]) => void).call(uppy, event, ...args);
    }) as typeof uppy.emit;
    try {
      let size = FIRST_SLICE;
      for (let at = 0; at < files.length; ) {
        const started = performance.now();
        // Only while this slice is added (synchronously): files from elsewhere between slices are asked as usual.
        this.admitted = true;
        try {
          this.#addNow(this.#describe(files.slice(at, at + size)));
        } finally {
          this.admitted = false;
        }
        at += size;
        const spent = Math.max(1, performance.now() - started);
        // Toward SLICE_MS, at most doubling: a fast first slice says little about a larger one (the render grows).
        size = Math.max(10, Math.min(size * 2, Math.round((size * SLICE_MS) / spent)));
        if (at < files.length) await yieldToPage();
      }
    } finally {
      uppy.emit = emit;
      if (held.length > 0) uppy.emit('files-added', held);
    }
  }

  #addNow(descriptors: Descriptor[]): undefined {
    try {
      this.#uppy.addFiles(descriptors);
    } catch (error) {
      // What the Dashboard does with a batch Uppy refused as a whole (its restriction messages are already out).
      this.#uppy.log(error as Error);
    }
    return undefined;
  }
}

/** Gives the page a turn: input, rendering, other tasks. `scheduler.yield` keeps our place at the queue's front. */
function yieldToPage(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}
