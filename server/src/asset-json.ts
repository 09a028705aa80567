/**
 * An asset record as the Upload API's JSON: what the upload endpoint answers and the asset list shows.
 */
import type { UploadApiResponse } from 'signet-upload/protocol';
import type { AssetRecord, AssetStatus } from './catalog/catalog.js';
import { responseSignature } from './signing.js';

export interface JsonContext {
  publicUrl: string;
  apiKey: string;
  apiSecret: string;
}

/** `<publicUrl>/<cloud>/<type>/upload/v<version>/<public id>.<format>`; raw public IDs already end in theirs. */
export function deliveryUrl(publicUrl: string, record: AssetRecord): string {
  const suffix = record.resourceType !== 'raw' && record.format ? `.${record.format}` : '';
  return `${publicUrl}/${record.cloud}/${record.resourceType}/upload/v${record.version}/${record.publicId}${suffix}`;
}

/** Cloudinary's moderation entry, present on moderated assets only. */
export interface ModerationEntry {
  kind: 'manual';
  status: Exclude<AssetStatus, 'active'>;
}

/** Cloudinary's `coordinates`: `custom` boxes as `[x, y, width, height]`; no `faces` (none are detected here). */
export interface CoordinatesJson {
  custom: number[][];
}

export type AssetJson = UploadApiResponse & { moderation?: ModerationEntry[]; coordinates?: CoordinatesJson };

/** `{coordinates}` when the asset has custom coordinates, else nothing (Cloudinary's upload answer includes them). */
export function coordinatesJson(record: AssetRecord): { coordinates?: CoordinatesJson } {
  return record.customCoordinates === null
    ? {}
    : { coordinates: { custom: record.customCoordinates.map((box) => [...box]) } };
}

/** An asset in a listing: the upload JSON plus its status (and Cloudinary's `moderation_status` when moderated). */
export type ListedAssetJson = AssetJson & {
  status: AssetStatus;
  moderation_status?: ModerationEntry['status'];
};

export function toListedAsset(record: AssetRecord, ctx: JsonContext): ListedAssetJson {
  return {
    ...toUploadResponse(record, ctx),
    status: record.status,
    ...(record.status === 'active' ? {} : { moderation_status: record.status }),
  };
}

export function toUploadResponse(record: AssetRecord, ctx: JsonContext): AssetJson {
  const url = deliveryUrl(ctx.publicUrl, record);
  return {
    asset_id: record.assetId,
    public_id: record.publicId,
    version: record.version,
    version_id: record.versionId,
    signature: responseSignature(record.publicId, record.version, ctx.apiSecret),
    ...(record.width !== null && record.height !== null ? { width: record.width, height: record.height } : {}),
    format: record.format,
    resource_type: record.resourceType,
    created_at: record.createdAt,
    tags: record.tags,
    ...(Object.keys(record.context).length > 0 ? { context: { custom: record.context } } : {}),
    ...coordinatesJson(record),
    bytes: record.bytes,
    type: 'upload',
    etag: record.etag,
    placeholder: false,
    url,
    secure_url: url,
    folder: record.folder,
    asset_folder: record.assetFolder,
    display_name: record.displayName,
    original_filename: record.originalFilename,
    api_key: ctx.apiKey,
    ...(record.status === 'active' ? {} : { moderation: [{ kind: 'manual', status: record.status }] }),
  };
}
