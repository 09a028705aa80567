/**
 * The content checks every upload passes before it is published, whichever way its bytes came (one request, the
 * last chunk of a chunked upload, a direct-to-S3 completion, a Companion import, which posts to the Upload API).
 * `finalizeUpload` runs it; anything else that publishes must too. In order, cheapest and most telling first:
 *
 *   1. size against the settings' limit (413 FILE_TOO_LARGE)
 *   2. the type, from the bytes (type.ts), against the URL's resource type (415 TYPE_MISMATCH)
 *   3. the format against the preset's `allowed_formats` (415 TYPE_NOT_ALLOWED)
 *   4. the declared name and Content-Type against the bytes (415 TYPE_MISMATCH)
 *   5. active content, unless allowed (415 TYPE_NOT_ALLOWED)
 *   6. images: dimensions from the header, pixel floods (422 IMAGE_TOO_LARGE_PIXELS)
 *   7. PDFs: encryption and a readable xref chain (422 PDF_ENCRYPTED / PDF_UNREADABLE)
 *
 * It only reads: the caller removes what it wrote when this throws.
 */

import type { ResourceType } from 'signet-upload/protocol';
import { checkPdf, en, UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import type { UploadSettings } from '../presets/resolve.js';
import { assertAllowedFormat, assertSize } from '../presets/upload.js';
import { assertDeclaredMatches } from './declared.js';
import { HEADER_BYTES } from './detect.js';
import { assertPixels, imageDimensions } from './image.js';
import { openSource } from './source.js';
import { detectType } from './type.js';

export interface ContentInput {
  /** The complete file, or with `storedAs` its first bytes (at least the head the detectors read). */
  tempFile: string;
  bytes: number;
  /** The names the client gave the file: the multipart file name, then `filename_override` if sent. */
  names: readonly string[];
  /** The Content-Type the client declared for the file part, when the path keeps it. */
  declaredType?: string | undefined;
  /** The bytes are already in the store under this key; reads past the temp file go there. */
  storedAs?: string | undefined;
}

export interface ContentVerdict {
  resourceType: ResourceType;
  /** The stored format: from the bytes (for signature-less text, the name's unclaiming extension, or ''). */
  format: string;
  width: number | null;
  height: number | null;
  /** Delivered only as an attachment (see routes/delivery.ts). */
  active: boolean;
}

export async function validateContent(
  ctx: Pick<ServerContext, 'config' | 'store'>,
  requested: ResourceType | 'auto',
  settings: UploadSettings,
  input: ContentInput,
): Promise<ContentVerdict> {
  assertSize(ctx, settings, input.bytes);
  const stored = input.storedAs === undefined ? undefined : { store: ctx.store, key: input.storedAs };
  const source = await openSource(input.tempFile, input.bytes, stored);
  try {
    const head = await source.read(0, Math.min(HEADER_BYTES, input.bytes));
    const type = await detectType(input.tempFile, head, input.names[0] ?? '');

    const resourceType = requested === 'auto' ? type.kind : requested;
    if (resourceType !== 'raw' && resourceType !== type.kind)
      throw new UploadError('TYPE_MISMATCH', `The file is not ${resourceType === 'image' ? 'an image' : 'a video'}.`);
    assertAllowedFormat(settings, type.format);
    assertDeclaredMatches(type, input.names, input.declaredType);
    if (type.active && !activeContentAllowed(ctx, settings))
      throw new UploadError(
        'TYPE_NOT_ALLOWED',
        `${type.format.toUpperCase()} files can run code when opened (active content) and are not accepted here.`,
      );

    let size: { width: number; height: number } | null = null;
    if (type.kind === 'image' && type.format !== 'pdf') {
      size = await imageDimensions(type.format, head, source);
      assertPixels(type.format, size, ctx.config.content.maxImagePixels);
    }
    if (type.format === 'pdf') await assertPdf(source);
    return {
      resourceType,
      format: type.format,
      width: resourceType === 'image' ? (size?.width ?? null) : null,
      height: resourceType === 'image' ? (size?.height ?? null) : null,
      active: type.active,
    };
  } finally {
    await source.close();
  }
}

/** A preset's `allow_active_content` decides; without one, the server's `content.activeContent`. */
export function activeContentAllowed(ctx: Pick<ServerContext, 'config'>, settings: UploadSettings): boolean {
  return settings.allowActiveContent ?? ctx.config.content.activeContent === 'attachment';
}

async function assertPdf(source: Parameters<typeof checkPdf>[0]): Promise<void> {
  const check = await checkPdf(source);
  // The person reads these (the SDKs show the message), so they say what to do; the reason stays in `cause`.
  if (check.status === 'encrypted') throw new UploadError('PDF_ENCRYPTED', en.errors.PDF_ENCRYPTED);
  if (check.status === 'unreadable')
    throw new UploadError('PDF_UNREADABLE', en.errors.PDF_UNREADABLE, { cause: new Error(check.reason) });
}
