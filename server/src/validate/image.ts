/**
 * Image dimensions from the header alone (nothing is decoded), and the pixel-flood check: a few hundred bytes can
 * declare 50,000 × 50,000 pixels, which every viewer that decodes the image must then allocate (10 GB as RGBA).
 */
import type { ByteSource } from 'signet-upload/protocol';
import { UploadError } from 'signet-upload/protocol';
import { headerDimensions } from './detect.js';

export interface Dimensions {
  width: number;
  height: number;
}

/**
 * Formats every browser decodes, with headers simple enough that a valid file always states its size: for these a
 * header that does not say is refused, else a flood could hide behind a header the reader does not understand.
 * Other image formats (HEIC, TIFF, PSD, camera raws …) keep null dimensions when the header is not understood.
 */
const MUST_MEASURE: ReadonlySet<string> = new Set(['jpg', 'png', 'apng', 'gif', 'webp', 'bmp']);
/** Segments walked in a JPEG before giving up on finding its frame header. */
const MAX_JPEG_SEGMENTS = 4096;

/**
 * The image's dimensions: image-size on the head, then, for a JPEG whose frame header lies beyond the head (large
 * metadata segments first), a walk over its segment chain, a few bytes per segment.
 */
export async function imageDimensions(
  format: string,
  head: Uint8Array,
  source: ByteSource,
): Promise<Dimensions | null> {
  const size = await headerDimensions(head);
  if (size || format !== 'jpg') return size;
  return jpegDimensions(source);
}

export function assertPixels(format: string, size: Dimensions | null, maxPixels: number): void {
  if (!size) {
    if (MUST_MEASURE.has(format))
      throw new UploadError(
        'TYPE_MISMATCH',
        `The file is not a valid ${format.toUpperCase()} image: its header gives no size.`,
      );
    return;
  }
  const pixels = size.width * size.height;
  if (pixels > maxPixels)
    throw new UploadError(
      'IMAGE_TOO_LARGE_PIXELS',
      `The image is ${size.width} × ${size.height} pixels (${megapixels(pixels)}); the limit is ${megapixels(maxPixels)}.`,
    );
}

function megapixels(pixels: number): string {
  return `${Math.round(pixels / 1e5) / 10} megapixels`;
}

/** SOF markers that carry the frame size (not DHT C4, JPG C8, DAC CC). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

async function jpegDimensions(source: ByteSource): Promise<Dimensions | null> {
  let offset = 2;
  for (let segment = 0; segment < MAX_JPEG_SEGMENTS && offset + 4 <= source.size; segment++) {
    const header = await source.read(offset, Math.min(9, source.size - offset));
    if (header.length < 4 || header[0] !== 0xff) return null;
    const marker = header[1] as number;
    // Fill bytes: a marker may be preceded by any number of 0xFF.
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    // Markers without a length (TEM, RSTn); SOS or EOI before a frame header means there is none.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return null;
    const length = ((header[2] as number) << 8) | (header[3] as number);
    if (length < 2) return null;
    if (SOF.has(marker)) {
      if (header.length < 9) return null;
      const height = ((header[5] as number) << 8) | (header[6] as number);
      const width = ((header[7] as number) << 8) | (header[8] as number);
      return width > 0 && height > 0 ? { width, height } : null;
    }
    offset += 2 + length;
  }
  return null;
}
