/** TEMPORARY: the old flat catalogue behind the new narrow interfaces, until the Kysely catalogue replaces it. */
import type { Grant, Identity, Role, User } from '../auth/permissions.js';
import type { UploadPreset } from '../presets/definition.js';
import type {
  AssetKey,
  AssetPage,
  AssetRecord,
  AssetStatus,
  Catalog,
  FolderCount,
  FolderQuery,
  ListQuery,
  ReplaceOptions,
} from './catalog.js';

export interface FlatCatalog {
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

export function narrow(flat: FlatCatalog): Catalog {
  return {
    assets: {
      get: (key) => flat.get(key),
      insert: (record) => flat.insert(record),
      replace: (record, options) => flat.replace(record, options),
      setStatus: (key, status) => flat.setStatus(key, status),
      list: (query) => flat.list(query),
      listFolders: (query) => flat.listFolders(query),
    },
    presets: {
      get: (cloud, name) => flat.getPreset(cloud, name),
      list: (cloud) => flat.listPresets(cloud),
      put: (cloud, preset) => flat.putPreset(cloud, preset),
      delete: (cloud, name) => flat.deletePreset(cloud, name),
    },
    signatures: {
      issue: (signature, signer, expiresAt) => flat.issueSignature(signature, signer, expiresAt),
      async issued(signature) {
        const signers = await flat.issuedTo(signature);
        return { count: signers.length, signers };
      },
      spend: async (signature, allowed, expiresAt) => allowed >= 1 && flat.useSignature(signature, expiresAt),
      purge: (now) => flat.purgeSignatures(now),
    },
    users: {
      get: (id) => flat.getUser(id),
      list: () => flat.listUsers(),
      put: (id, role) => flat.putUser(id, role),
      delete: (id) => flat.deleteUser(id),
      deleted: async () => false,
      putGrant: (id, grant) => flat.putGrant(id, grant),
      deleteGrant: (id, folder) => flat.deleteGrant(id, folder),
      async applyConfig(entry) {
        await flat.putUser(entry.id, entry.role);
        if (entry.grants) {
          const before = (await flat.getUser(entry.id))?.grants ?? [];
          for (const old of before)
            if (!entry.grants.some((grant) => grant.folder === old.folder))
              await flat.deleteGrant(entry.id, old.folder);
          for (const grant of entry.grants) await flat.putGrant(entry.id, grant);
        }
        return true;
      },
      forgetConfig: async () => 0,
    },
    close: () => flat.close(),
  };
}
