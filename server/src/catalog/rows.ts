/**
 * What both SQL catalogues read back the same way. SQLite returns numbers and JSON text; PostgreSQL returns BIGINT
 * as text and JSONB already parsed: `toRecord` takes either.
 */

import type { ResourceType } from 'signet-upload/protocol';
import { UploadError } from 'signet-upload/protocol';
import type { Access, Role, User } from '../auth/permissions.js';
import type { AssetRecord, AssetStatus } from './catalog.js';

export interface StoredAssetRow {
  cloud: string;
  resource_type: string;
  public_id: string;
  asset_id: string;
  version: number | string;
  version_id: string;
  format: string;
  bytes: number | string;
  width: number | null;
  height: number | null;
  etag: string;
  storage_key: string;
  original_filename: string;
  display_name: string;
  folder: string;
  asset_folder: string;
  tags: string | string[];
  context: string | Record<string, string>;
  created_at: string;
  status: string;
}

export function toRecord(row: StoredAssetRow): AssetRecord {
  return {
    cloud: row.cloud,
    resourceType: row.resource_type as ResourceType,
    type: 'upload',
    publicId: row.public_id,
    assetId: row.asset_id,
    // Versions (unix seconds) and byte counts are far below 2^53.
    version: Number(row.version),
    versionId: row.version_id,
    format: row.format,
    bytes: Number(row.bytes),
    width: row.width,
    height: row.height,
    etag: row.etag,
    storageKey: row.storage_key,
    originalFilename: row.original_filename,
    displayName: row.display_name,
    folder: row.folder,
    assetFolder: row.asset_folder,
    tags: typeof row.tags === 'string' ? (JSON.parse(row.tags) as string[]) : row.tags,
    context: typeof row.context === 'string' ? (JSON.parse(row.context) as Record<string, string>) : row.context,
    createdAt: row.created_at,
    status: row.status as AssetStatus,
  };
}

export interface GrantRow {
  user_id: string;
  folder: string;
  access: string;
}

export function toUser(row: { id: string; role: string }, grants: readonly GrantRow[]): User {
  return {
    id: row.id,
    role: row.role as Role,
    grants: grants.map((grant) => ({ folder: grant.folder, access: grant.access as Access })),
  };
}

/** Paging cursors: opaque to clients, checked on the way back. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new UploadError('PARAM_INVALID', 'The cursor is not one this server made.');
  return Number(match[1]);
}
