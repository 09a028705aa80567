/**
 * What a crop left on a file (crop.ts, loaded only with `crop`): read by the runtime for the upload's parameters and
 * by the outcomes for the events, without loading the editor.
 *
 * Cloudinary reads `custom_coordinates` in the pixels of the image uploaded. Its widget uploads the original with
 * the crop box (an upload preset's `c_crop,g_custom` then cuts it); ours uploads the cropped image itself, so the
 * region it names is that whole image, in the size it is sent (after `max-image-width`): such a preset keeps it as
 * it is, and the server never holds a box beyond its image. Where the box lay in the original goes to the page, in
 * the events (`file.cropped`).
 */
import type { Body, Meta, UppyFile } from '@uppy/core';
import { resizedOf } from './downscale.js';

/** A rectangle in pixels, from the top-left corner. */
export interface CropBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Crop {
  /** The cropped image's size, as the editor wrote it. */
  width: number;
  height: number;
  /** Where it lay in the upright original; null when it was also turned or mirrored (no rectangle of it). */
  box: CropBox | null;
}

export function cropOf(file: UppyFile<Meta, Body>): Crop | undefined {
  return (file.meta as { signetCrop?: Crop }).signetCrop;
}

/** `custom_coordinates` for a cropped file: the whole image, in the pixels it is sent with; else undefined. */
export function coordinatesFor(file: UppyFile<Meta, Body>): string | undefined {
  const crop = cropOf(file);
  if (!crop) return undefined;
  const resized = resizedOf(file);
  return `0,0,${resized?.width ?? crop.width},${resized?.height ?? crop.height}`;
}

/** `crop-aspect-ratio`: `1`, `1.5`, `16:9` or `16/9`; anything else (or none) lets the person choose (0). */
export function aspectRatioOf(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:[:/]\s*(\d+(?:\.\d+)?)\s*)?$/.exec(text);
  const ratio = match ? Number(match[1]) / Number(match[2] ?? 1) : 0;
  return Number.isFinite(ratio) && ratio > 0 ? ratio : 0;
}
