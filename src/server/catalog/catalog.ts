/**
 * Asset metadata: one record per (cloud, resource type, public ID), plus the used-signature list behind replay
 * protection. Stores hold bytes; the catalogue says which bytes are which asset.
 */
import type { ResourceType } from '../../protocol/params.js';

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
  status: 'active';
}

export interface ListQuery {
  cloud: string;
  /** Opaque, from a previous page's `nextCursor`. */
  cursor?: string | undefined;
  limit: number;
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
  replace(record: AssetRecord): Promise<{ record: AssetRecord; previous: AssetRecord | null }>;
  /** Rejects with PARAM_INVALID for a cursor it did not make. */
  list(query: ListQuery): Promise<AssetPage>;
  /** Records a signature as used until `expiresAt` (unix seconds); false when it was already recorded. */
  useSignature(signature: string, expiresAt: number): Promise<boolean>;
  /** Forgets signatures that expired before `now` (unix seconds); returns how many. */
  purgeSignatures(now: number): Promise<number>;
  close(): Promise<void>;
}
