/**
 * What the server remembers, by concern: assets (one record per cloud, resource type and public ID), upload presets,
 * the signature ledger (issued and used signatures) and the user directory (users, grants, and which changes came
 * from the config file). Types only; `open.ts` builds the one implementation (Kysely, for SQLite and PostgreSQL).
 * Stores hold bytes; the catalogue says which bytes are which asset. Folders are not stored apart: an asset's
 * `folder` is the folder part of its public ID.
 */
import type { ResourceType } from 'signet-upload/protocol';
import type { Grant, Identity, Role, User } from '../auth/permissions.js';
import type { Box } from '../coordinates.js';
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
  /** Cloudinary's `custom_coordinates` (images only, inside the image when its size is known); null = none. */
  customCoordinates: Box[] | null;
  /** ISO 8601. */
  createdAt: string;
  status: AssetStatus;
}

/** How a listing is ordered: by publication (newest first by default), public ID (byte order) or size. */
export interface AssetOrder {
  by: 'published' | 'public_id' | 'bytes';
  direction: 'asc' | 'desc';
}

export const NEWEST_FIRST: AssetOrder = { by: 'published', direction: 'desc' };

/** What both listings (assets, and folder counts) can filter on; every filter given must hold. */
export interface FolderQuery {
  cloud: string;
  /** Only records in one of these statuses; absent = all. */
  status?: readonly AssetStatus[] | undefined;
  /**
   * Only records in one of these folders or below one, by whole path segments (`a/b` holds `a/b/c`, never `a/bc`);
   * absent = everywhere, [] = nowhere. What a user may view.
   */
  within?: readonly string[] | undefined;
  resourceType?: ResourceType | undefined;
  /** Only public IDs starting with this, literally (Cloudinary's `prefix`). */
  prefix?: string | undefined;
  /** Only records whose public ID, display name or original file name contains this, ignoring letter case. */
  search?: string | undefined;
  /** Only records carrying this tag (exact, case-sensitive). */
  tag?: string | undefined;
  /** Only records carrying this tag, ignoring letter case. */
  tagAnyCase?: string | undefined;
}

export interface ListQuery extends FolderQuery {
  /** Opaque, from a previous page of the same query's `nextCursor`. */
  cursor?: string | undefined;
  limit: number;
  /** Default: newest first. */
  order?: AssetOrder | undefined;
  /** Only records in this folder ('' = the top level); with `recursive`, in any folder below it too. */
  folder?: string | undefined;
  recursive?: boolean | undefined;
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
  /** In the query's order (newest first unless it says otherwise). */
  records: AssetRecord[];
  nextCursor?: string;
}

/** What `update` may change; the rest of a record changes only by replacing or renaming it. */
export type AssetChange = Partial<Pick<AssetRecord, 'tags' | 'context' | 'status' | 'customCoordinates'>>;

/** Where `rename` moves an asset (same cloud and resource type). */
export interface RenameTarget {
  publicId: string;
  folder: string;
  assetFolder: string;
}

export type RenameResult =
  /** `replaced`: the asset that held the new public ID (overwrite), whose bytes are now the caller's to delete. */
  | { status: 'renamed'; record: AssetRecord; replaced: AssetRecord | null }
  | { status: 'missing' }
  /** The new public ID is held and overwrite was off: nothing changed. */
  | { status: 'taken'; existing: AssetRecord };

/** Assets and bytes of one resource type. */
export interface UsageCount {
  resourceType: ResourceType;
  count: number;
  bytes: number;
}

/** What the catalogue keeps about assets: one record per (cloud, resource type, public ID). */
export interface AssetCatalog {
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
  /**
   * Changes an asset's tags, context or status atomically: `change` sees the record as stored (inside the transaction)
   * and says what to set, or null for nothing. The record afterwards, or null when there is no such asset. The version
   * stays (Cloudinary's tag and context calls publish nothing new).
   */
  update(key: AssetKey, change: (record: AssetRecord) => AssetChange | null): Promise<AssetRecord | null>;
  /** Removes an asset's record; the record removed, or null when there was none. The caller deletes its bytes. */
  delete(key: AssetKey): Promise<AssetRecord | null>;
  /**
   * Moves an asset to another public ID, atomically; with `overwrite` an asset holding that ID is removed (and
   * answered, so the caller deletes its bytes). Asset ID, version, bytes and listing position stay.
   */
  rename(from: AssetKey, to: RenameTarget, options: { overwrite: boolean }): Promise<RenameResult>;
  /** How many assets and bytes each resource type holds in a cloud (types without assets are absent). */
  usage(cloud: string): Promise<UsageCount[]>;
  /** Rejects with PARAM_INVALID for a cursor it did not make, or made for another order. */
  list(query: ListQuery): Promise<AssetPage>;
  /** Every folder holding at least one matching asset, with how many it holds directly; sorted by folder. */
  listFolders(query: FolderQuery): Promise<FolderCount[]>;
}

/** Upload presets, per cloud, already validated. */
export interface PresetCatalog {
  /** One preset by name, or null. */
  get(cloud: string, name: string): Promise<UploadPreset | null>;
  /** Every preset of a cloud, by name. */
  list(cloud: string): Promise<UploadPreset[]>;
  /** Creates or replaces a preset; true when it was created. */
  put(cloud: string, preset: UploadPreset): Promise<boolean>;
  /** False when there was no such preset. */
  delete(cloud: string, name: string): Promise<boolean>;
}

/**
 * Which signatures the signing endpoint gave out, to whom and how often, and how often each was used: the facts
 * behind binding uploads to their signers and behind replay protection. The policy (how many uses a signature gets)
 * is the caller's.
 */
export interface SignatureLedger {
  /** The signing endpoint gave `signature` to `signer`: one more use of it is allowed, until `expiresAt` (unix s). */
  issue(signature: string, signer: Identity, expiresAt: number): Promise<void>;
  /** How many times it was issued (0 = not issued here) and to whom (distinct by id, sorted). Any letter case. */
  issued(signature: string): Promise<{ count: number; signers: Identity[] }>;
  /**
   * Spends one use if fewer than `allowed` were spent so far; false (nothing written) otherwise. Atomic, also across
   * several server instances sharing one PostgreSQL. Case-insensitive on the signature.
   */
  spend(signature: string, allowed: number, expiresAt: number): Promise<boolean>;
  /** How many uses were spent so far (0 for one never seen). Case-insensitive on the signature. */
  used(signature: string): Promise<number>;
  /** Forgets issuances and uses that expired before `now` (unix s); how many rows went. */
  purge(now: number): Promise<number>;
}

/** A user as the config file states it: its grants only when the file lists them. */
export interface ConfigEntry {
  id: string;
  role: Role;
  grants?: readonly Grant[] | undefined;
}

/**
 * The users with their folder grants. Changes made through the admin API (put, delete, grants) win over the config
 * file until the file changes that user's entry: `applyConfig` remembers the entry it last applied per user.
 */
export interface UserDirectory {
  /** A user with its grants (sorted by folder), or null. */
  get(id: string): Promise<User | null>;
  /** Every user, by id. */
  list(): Promise<User[]>;
  /** Creates a user or changes its role; its grants stay. True when it was created. */
  put(id: string, role: Role): Promise<boolean>;
  /** Removes a user and its grants and remembers that it was deleted; false when there was no such user. */
  delete(id: string): Promise<boolean>;
  /** Whether `delete` removed this user and nothing created it again since. */
  deleted(id: string): Promise<boolean>;
  /** Creates or changes the user's grant on `grant.folder`; false (nothing written) when there is no such user. */
  putGrant(userId: string, grant: Grant): Promise<boolean>;
  /** False when the user had no grant on that folder. */
  deleteGrant(userId: string, folder: string): Promise<boolean>;
  /**
   * Applies a config-file entry unless the entry with this `digest` was the last one applied to that user: then
   * whatever the admin API did since (a deletion too) stands, and nothing is written. Applying makes the user exist
   * with the entry's role and, when it lists grants, exactly those. Atomic; true when it applied.
   */
  applyConfig(entry: ConfigEntry, digest: string): Promise<boolean>;
  /** Forgets the entries applied to users the config file no longer names; how many. */
  forgetConfig(keep: readonly string[]): Promise<number>;
}

/** One chunked upload's shared state (pipeline/shared-sessions.ts), for instances that share the catalogue. */
export interface ChunkSessionRecord {
  /** The session store's id for it. */
  id: string;
  /** Opaque text (the store's JSON), kept exactly as given. */
  data: string;
  /** Unix ms of its last change: what idleness is measured by. */
  updatedAt: number;
}

/** What a change to a session stores (`next`: the new record's data and time; null deletes; absent leaves it). */
export interface ChunkSessionChange<T> {
  next?: Omit<ChunkSessionRecord, 'id'> | null;
  result: T;
}

/**
 * Chunk sessions shared by instances. The catalogue only keeps them and serialises every change to one session; what
 * a session holds is the session store's business.
 */
export interface ChunkSessionCatalog {
  get(id: string): Promise<ChunkSessionRecord | null>;
  /**
   * Changes one session atomically, also across instances sharing the database: `change` sees the record as stored
   * (null: none yet) and answers what to store and what to return; if it throws, nothing changes. It runs once, inside
   * the transaction, so it must be quick and do no I/O of its own: changes to the same session wait for it.
   */
  change<T>(id: string, change: (current: ChunkSessionRecord | null) => ChunkSessionChange<T>): Promise<T>;
  /** Ids of the sessions whose last change is older than `before` (unix ms), least recently changed first. */
  idle(before: number, limit: number): Promise<string[]>;
}

/** The catalogue: one narrow interface per concern, one connection underneath. */
export interface Catalog {
  readonly assets: AssetCatalog;
  readonly presets: PresetCatalog;
  readonly signatures: SignatureLedger;
  readonly users: UserDirectory;
  readonly chunkSessions: ChunkSessionCatalog;
  close(): Promise<void>;
}
