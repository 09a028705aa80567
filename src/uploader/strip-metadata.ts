/**
 * Location and device data leave a photo before it leaves the browser (content/metadata.ts: a lossless rewrite, the
 * pixels untouched, the orientation kept). An Uppy preprocessor, so it runs for every backend (Cloudinary's API and
 * direct-to-S3) just before the run's uploads start; the file's data becomes the stripped copy, and what was removed
 * is noted on the file (`meta.signetRemoved`) for its result line and the events. `keep-metadata` turns it off.
 */
import type { Body, Meta, Uppy, UppyFile } from '@uppy/core';
import { type RemovedMetadata, STRIPPABLE_TYPES, stripMetadata } from '../content/metadata.js';

/** Larger images are sent as they are: reading one whole into memory would cost more than a phone has to spare. */
const MAX_STRIP_BYTES = 256 * 1024 * 1024;

export function removedFrom(file: UppyFile<Meta, Body>): RemovedMetadata[] {
  const removed = (file.meta as { signetRemoved?: unknown }).signetRemoved;
  return Array.isArray(removed) ? (removed as RemovedMetadata[]) : [];
}

export function installMetadataStripper(uppy: Uppy<Meta, Body>, enabled: () => boolean): () => void {
  const strip = async (fileIDs: string[]): Promise<void> => {
    if (!enabled()) return;
    for (const id of fileIDs) {
      const file = uppy.getFile(id);
      const data = file?.data;
      if (!file || file.isRemote || !(data instanceof Blob) || (file as { signetOriginal?: Blob }).signetOriginal)
        continue;
      if (!(STRIPPABLE_TYPES as readonly string[]).includes(data.type) || data.size > MAX_STRIP_BYTES) continue;
      const result = stripMetadata(new Uint8Array(await data.arrayBuffer()));
      if (!result?.removed.length || !uppy.getFile(id)) continue;
      const name = file.name ?? 'file';
      const stripped = new File([result.bytes as Uint8Array<ArrayBuffer>], name, {
        type: data.type,
        lastModified: data instanceof File ? data.lastModified : Date.now(),
      });
      const current = uppy.getFile(id);
      uppy.setFileState(id, {
        data: stripped,
        size: stripped.size,
        signetOriginal: data, // who the file is for a page load that resumes it (backends/unfinished.ts `originalOf`)
        meta: { ...current.meta, signetRemoved: result.removed },
        progress: { ...current.progress, bytesTotal: stripped.size },
      } as never);
    }
  };
  uppy.addPreProcessor(strip);
  return () => uppy.removePreProcessor(strip);
}
