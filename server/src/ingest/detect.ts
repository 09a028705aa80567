/**
 * What a file is, from its bytes (never its name or the client's Content-Type): the resource type Cloudinary
 * would file it under, the format, and an image's dimensions.
 */
import { open } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type/node';
import { imageSize } from 'image-size';
import type { ResourceType } from 'signet-upload/protocol';
import { UploadError } from 'signet-upload/protocol';

// Cloudinary files PDFs (and other paged documents) under image; audio under video.
const IMAGE_FORMATS: ReadonlySet<string> = new Set(
  'jpg png apng gif webp avif bmp tif ico pdf heic heif jxl jp2 psd cur icns dng cr2 nef arw orf rw2 raf'.split(' '),
);
const VIDEO_FORMATS: ReadonlySet<string> = new Set(
  'mp4 webm mov m4v avi mkv mpg mts flv 3gp 3g2 ogv wmv asf f4v mp3 wav ogg oga opus flac m4a aac aif amr wma'.split(
    ' ',
  ),
);
const RAW_EXTENSION = /^[a-z0-9]{1,8}$/;
/** How much of the head image headers are read from (and what the content checks read once). */
export const HEADER_BYTES = 512 * 1024;

export interface Detected {
  resourceType: ResourceType;
  /** Extension without the dot; '' for a raw file whose name has none. */
  format: string;
  width: number | null;
  height: number | null;
}

/**
 * `requested` is the URL's resource type: `auto` files by content; `image`/`video` insist on that kind (415
 * TYPE_MISMATCH otherwise); `raw` takes anything as bytes.
 */
export async function detect(
  path: string,
  originalFilename: string,
  requested: ResourceType | 'auto',
): Promise<Detected> {
  const type = await fileTypeFromFile(path);
  const ext = type?.ext ?? '';
  const kind = kindOf(ext);
  const resourceType = requested === 'auto' ? kind : requested;
  if (resourceType !== 'raw' && resourceType !== kind)
    throw new UploadError('TYPE_MISMATCH', `The file is not ${resourceType === 'image' ? 'an image' : 'a video'}.`);
  if (resourceType === 'raw')
    return { resourceType, format: rawExtension(originalFilename), width: null, height: null };
  const size = resourceType === 'image' && ext !== 'pdf' ? await dimensions(path) : null;
  return { resourceType, format: ext, width: size?.width ?? null, height: size?.height ?? null };
}

/** The resource type Cloudinary files a detected format under. */
export function kindOf(format: string): ResourceType {
  return IMAGE_FORMATS.has(format) ? 'image' : VIDEO_FORMATS.has(format) ? 'video' : 'raw';
}

/** The extension of a client's file name, when it is a plain one (`a.tar.gz` → `gz`, `notes` → ''). */
export function rawExtension(filename: string): string {
  const dot = filename.lastIndexOf('.');
  if (dot <= 0) return '';
  const ext = filename.slice(dot + 1).toLowerCase();
  return RAW_EXTENSION.test(ext) ? ext : '';
}

async function dimensions(path: string): Promise<{ width: number; height: number } | null> {
  const handle = await open(path, 'r');
  try {
    const header = new Uint8Array(HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
    return headerDimensions(header.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** An image's dimensions as its header states them (image-size), or null when the header does not say. */
export function headerDimensions(header: Uint8Array): { width: number; height: number } | null {
  try {
    const size = imageSize(header);
    return size.width > 0 && size.height > 0 ? { width: size.width, height: size.height } : null;
  } catch {
    // A format image-size cannot measure (or a header it cannot parse) simply has no dimensions.
    return null;
  }
}
