/**
 * Asset metadata: one record per (cloud, resource type, public ID), the upload presets, the used-signature list
 * behind replay protection, and the users with their folder grants plus the signatures issued to them (which the
 * upload endpoint looks up to check the signer's folders again). Stores hold bytes; the catalogue says which bytes
 * are which asset. Folders are not stored apart: an asset's `folder` is the folder part of its public ID.
 */
import type { ResourceType } from 'signet-upload/protocol';
import type { Grant, Identity, Role, User } from '../auth/permissions.js';
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
  /** Only records in this folder ('' = the top level); with `recursive`, in any folder below it too. */
  folder?: string | undefined;
  recursive?: boolean | undefined;
  /** Only records carrying this tag (exact, case-sensitive). */
  tag?: string | undefined;
  /**
   * Only records in one of these folders or below one, by whole path segments (`a/b` holds `a/b/c`, never `a/bc`);
   * absent = everywhere, [] = nowhere. What a user may view.
   */
  within?: readonly string[] | undefined;
}

export interface FolderQuery {
  cloud: string;
  status?: readonly AssetStatus[] | undefined;
  within?: readonly string[] | undefined;
}

/** How many assets (matching the query) one folder holds directly. */
export interface FolderCount {
  folder: string;
  count: number;
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
  /**
   * Forgets used signatures and issued-signature records that expired before `now` (unix seconds); returns how many
   * rows went.
   */
  purgeSignatures(now: number): Promise<number>;
  /** Every folder holding at least one matching asset, with how many it holds directly; sorted by folder. */
  listFolders(query: FolderQuery): Promise<FolderCount[]>;
  /** A user with its grants (sorted by folder), or null. */
  getUser(id: string): Promise<User | null>;
  /** Every user, by id. */
  listUsers(): Promise<User[]>;
  /** Creates a user or changes its role; its grants stay. True when it was created. */
  putUser(id: string, role: Role): Promise<boolean>;
  /** Removes a user and its grants; false when there was no such user. */
  deleteUser(id: string): Promise<boolean>;
  /** Creates or changes the user's grant on `grant.folder`; false (nothing written) when there is no such user. */
  putGrant(userId: string, grant: Grant): Promise<boolean>;
  /** False when the user had no grant on that folder. */
  deleteGrant(userId: string, folder: string): Promise<boolean>;
  /**
   * Records that the signing endpoint gave `signature` to `signer`, until `expiresAt` (unix seconds). The same
   * signature may be issued to several users (same parameters, same second): each is recorded.
   */
  issueSignature(signature: string, signer: Identity, expiresAt: number): Promise<void>;
  /** Whom the signing endpoint gave this signature (any letter case), by id; [] = it did not issue it. */
  issuedTo(signature: string): Promise<Identity[]>;
  close(): Promise<void>;
}
