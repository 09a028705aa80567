/**
 * Detection helpers: the resource type Cloudinary files a format under, a raw file's extension, and an image's
 * dimensions from its header. The format itself comes from the bytes (validate/type.ts), never the name.
 */
import type { ResourceType } from 'signet-upload/protocol';

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

/**
 * An image's dimensions as its header states them (image-size, loaded with the first image rather than at start),
 * or null when the header does not say.
 */
export async function headerDimensions(header: Uint8Array): Promise<{ width: number; height: number } | null> {
  const { imageSize } = await import('image-size');
  try {
    const size = imageSize(header);
    return size.width > 0 && size.height > 0 ? { width: size.width, height: size.height } : null;
  } catch {
    // A format image-size cannot measure (or a header it cannot parse) simply has no dimensions.
    return null;
  }
}
