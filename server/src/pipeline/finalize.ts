/**
 * The end of every upload, single or chunked: a complete, authorised temp file becomes an asset. Check its content
 * (validate/pipeline.ts: size, type from the bytes, presets, declared name, active content, pixels, PDFs), name it,
 * publish the bytes create-only under a fresh key, then record it, so a failure at any step leaves either nothing
 * or a whole asset. A public ID that is taken (overwrite off) is answered by existing.ts, which shows the stored
 * asset only to a caller who may view it.
 */
import { randomBytes } from 'node:crypto';
import type { UploadApiResponse, UploadResourceType } from 'signet-upload/protocol';
import { toUploadResponse } from '../asset-json.js';
import { folderOf } from '../auth/permissions.js';
import type { AssetRecord } from '../catalog/catalog.js';
import { nowSeconds, type ServerContext } from '../context.js';
import { assertCoordinatesFit } from '../coordinates.js';
import { finalTags } from '../presets/upload.js';
import { sanitizeDisplayText } from '../validate/names.js';
import { validateContent } from '../validate/pipeline.js';
import type { UploadAuthorization } from './authorize.js';
import { makeDeleteToken } from './delete-token.js';
import { existingAnswer } from './existing.js';
import { displayFilename, makePublicId } from './naming.js';
import { stripTempFile } from './strip-metadata.js';
import { removeQuietly } from './temp.js';

/** Where an upload goes: the cloud and the URL's resource type (`auto` decides from the bytes). */
export interface UploadTarget {
  cloud: string;
  resourceType: UploadResourceType;
}

export interface CompleteFile {
  /** Consumed on success, removed on failure. */
  tempFile: string;
  bytes: number;
  md5: string;
  /** The multipart file name (display only). */
  filename: string;
  /** The file part's declared Content-Type, when the path keeps it (checked against the bytes). */
  declaredType?: string;
  /**
   * The bytes are already in the store under this key (a direct-to-S3 upload): `tempFile` then holds only their
   * first bytes, for detection, and nothing is published. The caller removes the object if no record takes it.
   */
  storedAs?: string;
}

/** The Upload API's answer; `delete_token` when the upload asked for one (`return_delete_token`). */
export type UploadAnswer = UploadApiResponse & { delete_token?: string };

/** What authorizeUpload decided: the settings in force, and who vouches for the upload (for an `existing` answer). */
export type Authorized = Pick<UploadAuthorization, 'settings' | 'signer'>;

export async function finalizeUpload(
  ctx: ServerContext,
  target: UploadTarget,
  authorized: Authorized,
  file: CompleteFile,
): Promise<UploadAnswer> {
  try {
    return await publish(ctx, target, authorized, file);
  } finally {
    await removeQuietly(file.tempFile);
  }
}

async function publish(
  ctx: ServerContext,
  target: UploadTarget,
  { settings, signer }: Authorized,
  file: CompleteFile,
): Promise<UploadAnswer> {
  const filename = settings.filenameOverride ?? file.filename;
  const detected = await validateContent(ctx, target.resourceType, settings, {
    tempFile: file.tempFile,
    bytes: file.bytes,
    names: filename === file.filename ? [filename] : [filename, file.filename],
    declaredType: file.declaredType,
    storedAs: file.storedAs,
  });
  // Before anything is published: boxes need the image's size, known only now, from its bytes.
  if (settings.customCoordinates) assertCoordinatesFit(settings.customCoordinates, detected);
  // A preset's `strip_metadata`: the checked bytes lose their personal metadata before they are published.
  if (settings.stripMetadata && !file.storedAs) Object.assign(file, await stripTempFile(file.tempFile, file));
  // The stored format is the checked one (from the bytes), whatever a raw public ID's own suffix says.
  const { format } = detected;
  const { publicId } = makePublicId({
    publicId: settings.publicId,
    folder: settings.folder,
    useFilename: settings.useFilename,
    uniqueFilename: settings.uniqueFilename,
    filename,
    resourceType: detected.resourceType,
    format: detected.format,
  });
  const originalFilename = displayFilename(filename);
  const tags = finalTags(settings, { resourceType: detected.resourceType, format, name: originalFilename });
  const key = { cloud: target.cloud, resourceType: detected.resourceType, publicId };
  const json = { publicUrl: ctx.publicUrl, apiKey: ctx.credentials.api_key, apiSecret: ctx.credentials.api_secret };

  const existing = await ctx.catalog.assets.get(key);
  if (existing && !settings.overwrite) return existingAnswer(ctx, signer, existing, json);

  const now = ctx.now();
  const record: AssetRecord = {
    ...key,
    type: 'upload',
    assetId: randomBytes(16).toString('hex'),
    version: Math.floor(now / 1000),
    versionId: randomBytes(16).toString('hex'),
    format,
    bytes: file.bytes,
    width: detected.width,
    height: detected.height,
    etag: file.md5,
    storageKey: file.storedAs ?? randomBytes(16).toString('hex'),
    originalFilename,
    displayName: sanitizeDisplayText(settings.displayName ?? '') || publicId.slice(publicId.lastIndexOf('/') + 1),
    // Fixed folders: the asset is where its public ID (and so its delivery URL) puts it.
    folder: folderOf(publicId),
    assetFolder: settings.assetFolder ?? folderOf(publicId),
    tags,
    context: settings.context,
    // Never retained on overwrite, unlike tags and context: boxes belong to the pixels they were drawn on.
    customCoordinates: settings.customCoordinates,
    createdAt: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    status: settings.moderation === 'manual' ? 'pending' : 'active',
  };
  // On overwrite the old tags and context go, unless the server retains them and this upload sent none of its own.
  const retain = ctx.config.assets.retainOnOverwrite;
  const retained = { tags: retain && !settings.sent.tags, context: retain && !settings.sent.context };

  if (file.storedAs === undefined) await ctx.store.publish(file.tempFile, record.storageKey);
  let committed: { record: AssetRecord; previous: AssetRecord | null } | null;
  try {
    committed = settings.overwrite
      ? // The asset keeps its ID across versions, as on Cloudinary.
        await ctx.catalog.assets.replace(
          { ...record, assetId: existing?.assetId ?? record.assetId },
          { retain: retained },
        )
      : (await ctx.catalog.assets.insert(record))
        ? { record, previous: null }
        : null;
  } catch (error) {
    await ctx.store.delete(record.storageKey).catch(() => {});
    throw error;
  }
  if (committed) {
    // Old bytes go only once the new row is committed; failing to delete them leaves an orphan, never a hole.
    if (committed.previous)
      await ctx.store.delete(committed.previous.storageKey).catch((error: unknown) => {
        ctx.log(`signet-server: could not delete replaced object ${committed.previous?.storageKey}: ${String(error)}`);
      });
    const answer = toUploadResponse(committed.record, json);
    // Only for what this upload published: an `existing` answer deletes nothing that was not the caller's.
    if (settings.returnDeleteToken)
      return {
        ...answer,
        delete_token: makeDeleteToken(ctx.credentials.api_secret, committed.record, nowSeconds(ctx)),
      };
    return answer;
  }
  // Another upload took the public ID between our look-up and our insert: answer as if it had come first.
  await ctx.store.delete(record.storageKey);
  const winner = await ctx.catalog.assets.get(key);
  if (!winner) throw new Error(`Asset ${publicId} vanished during a concurrent upload.`);
  return existingAnswer(ctx, signer, winner, json);
}
