/**
 * The end of every upload, single or chunked: a complete, authorised temp file becomes an asset. Detect what it
 * is, name it, publish the bytes create-only under a fresh key, then record it, so a failure at any step leaves
 * either nothing or a whole asset.
 */
import { randomBytes } from 'node:crypto';
import type { ResourceType, UploadApiResponse } from '../../protocol/params.js';
import { toUploadResponse } from '../asset-json.js';
import type { AssetRecord } from '../catalog/catalog.js';
import type { ServerContext } from '../context.js';
import { detect } from './detect.js';
import { displayFilename, makePublicId } from './naming.js';
import type { UploadRequest } from './params.js';
import { removeQuietly } from './temp.js';

export interface CompleteFile {
  /** Consumed on success, removed on failure. */
  tempFile: string;
  bytes: number;
  md5: string;
  /** The multipart file name (display only). */
  filename: string;
}

export async function finalizeUpload(
  ctx: ServerContext,
  target: { cloud: string; resourceType: ResourceType | 'auto' },
  request: UploadRequest,
  file: CompleteFile,
): Promise<UploadApiResponse> {
  try {
    return await publish(ctx, target, request, file);
  } finally {
    await removeQuietly(file.tempFile);
  }
}

async function publish(
  ctx: ServerContext,
  target: { cloud: string; resourceType: ResourceType | 'auto' },
  request: UploadRequest,
  file: CompleteFile,
): Promise<UploadApiResponse> {
  const filename = request.filenameOverride ?? file.filename;
  const detected = await detect(file.tempFile, filename, target.resourceType);
  const { publicId, format } = makePublicId({
    publicId: request.publicId,
    folder: request.folder,
    useFilename: request.useFilename,
    uniqueFilename: request.uniqueFilename,
    filename,
    resourceType: detected.resourceType,
    format: detected.format,
  });
  const key = { cloud: target.cloud, resourceType: detected.resourceType, publicId };
  const json = { publicUrl: ctx.publicUrl, apiKey: ctx.credentials.api_key, apiSecret: ctx.credentials.api_secret };

  const existing = await ctx.catalog.get(key);
  if (existing && !request.overwrite) return { ...toUploadResponse(existing, json), existing: true };

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
    storageKey: randomBytes(16).toString('hex'),
    originalFilename: displayFilename(filename),
    displayName: request.displayName ?? publicId.slice(publicId.lastIndexOf('/') + 1),
    folder: request.folder,
    assetFolder: request.assetFolder ?? request.folder,
    tags: request.tags,
    context: request.context,
    createdAt: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    status: 'active',
  };

  await ctx.store.publish(file.tempFile, record.storageKey);
  let committed: { record: AssetRecord; previous: AssetRecord | null } | null;
  try {
    committed = request.overwrite
      ? // The asset keeps its ID across versions, as on Cloudinary.
        await ctx.catalog.replace({ ...record, assetId: existing?.assetId ?? record.assetId })
      : (await ctx.catalog.insert(record))
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
    return toUploadResponse(committed.record, json);
  }
  // Another upload took the public ID between our look-up and our insert: answer as if it had come first.
  await ctx.store.delete(record.storageKey);
  const winner = await ctx.catalog.get(key);
  if (!winner) throw new Error(`Asset ${publicId} vanished during a concurrent upload.`);
  return { ...toUploadResponse(winner, json), existing: true };
}
