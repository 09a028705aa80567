/**
 * Asset metadata: one record per (cloud, resource type, public ID), the upload presets, and the used-signature list
 * behind replay protection. Stores hold bytes; the catalogue says which bytes are which asset.
 */
import type { ResourceType } from '../../protocol/params.js';
import type { UploadPreset } from '../presets/definition.js';

/**
 * `active`: never moderated. `pending`, `approved`, `rejected`: manual moderation (Cloudinary's statuses); rejected
 * assets are never delivered.
 */
export type AssetStatus = 'active' | 'pending' | 'approved' | 'rejected';
export const ASSET_STATUSES: readonly AssetStatus[] = ['active', 'pending', 'approved', 'rejected'];

export interface AssetKey {
  cloud: string;
  resourceType: ResourceType;
  publicId: string;
}

export interface AssetRecord extends AssetKey {
  type: 'upload';
  assetId: string;
  /** Unix seconds of the publish; strictly grows when an asset is replaced. */
  version: number;
  versionId: string;
  /** Detected extension ('' for raw files without one). */
  format: string;
  bytes: number;
  width: number | null;
  height: number | null;
  /** MD5 of the bytes, hex. */
  etag: string;
  storageKey: string;
  originalFilename: string;
  displayName: string;
  folder: string;
  assetFolder: string;
  tags: string[];
  context: Record<string, string>;
  /** ISO 8601. */
  createdAt: string;
  status: AssetStatus;
}

export interface ListQuery {
  cloud: string;
  /** Opaque, from a previous page's `nextCursor`. */
  cursor?: string | undefined;
  limit: number;
  /** Only records in one of these statuses; absent = all. */
  status?: readonly AssetStatus[] | undefined;
}

export interface ReplaceOptions {
  /**
   * Keep what the replaced record had: its tags (the new ones are added after them) and its context (the new keys
   * win). Decided inside the replacing transaction, so a concurrent replace cannot slip in between.
   */
  retain?: { tags?: boolean; context?: boolean };
}

export interface AssetPage {
  /** Most recently published first. */
  records: AssetRecord[];
  nextCursor?: string;
}

export interface Catalog {
  get(key: AssetKey): Promise<AssetRecord | null>;
  /** Create-only: false (nothing written) when the key already exists. */
  insert(record: AssetRecord): Promise<boolean>;
  /**
   * Inserts or overwrites, atomically. The stored version is strictly greater than the previous one (bumped when the
   * caller's is not), so the answer carries the record as stored and the one it replaced.
   */
  replace(
    record: AssetRecord,
    options?: ReplaceOptions,
  ): Promise<{ record: AssetRecord; previous: AssetRecord | null }>;
  /** Sets an asset's status (moderation); the updated record, or null when there is no such asset. */
  setStatus(key: AssetKey, status: AssetStatus): Promise<AssetRecord | null>;
  /** Rejects with PARAM_INVALID for a cursor it did not make. */
  list(query: ListQuery): Promise<AssetPage>;
  /** One preset by name, or null. */
  getPreset(cloud: string, name: string): Promise<UploadPreset | null>;
  /** Every preset of a cloud, by name. */
  listPresets(cloud: string): Promise<UploadPreset[]>;
  /** Creates or replaces a preset (already validated); true when it was created. */
  putPreset(cloud: string, preset: UploadPreset): Promise<boolean>;
  /** False when there was no such preset. */
  deletePreset(cloud: string, name: string): Promise<boolean>;
  /** Records a signature as used until `expiresAt` (unix seconds); false when it was already recorded. */
  useSignature(signature: string, expiresAt: number): Promise<boolean>;
  /** Forgets signatures that expired before `now` (unix seconds); returns how many. */
  purgeSignatures(now: number): Promise<number>;
  close(): Promise<void>;
}
