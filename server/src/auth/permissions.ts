/**
 * Who may do what where: roles, per-folder grants and the checks on them. Pure; routes and ingest only wire them.
 *
 *   admin         every folder, to view and to contribute
 *   contributor   only the folders of its grants, each with everything under it: `can_contribute` (upload and
 *                 view) or `can_view` (view only); the most generous grant on the way down wins
 *
 * Folders are compared as whole path segments after strict validation, so `users/42` admits `users/42/x` but never
 * `users/420`, `Users/42` or `users/42/../43` (the last is not a folder at all: 400 FOLDER_INVALID).
 */
import { checkFolder, UploadError } from 'signet-upload/protocol';

export type Role = 'admin' | 'contributor';
export const ROLES: readonly Role[] = ['admin', 'contributor'];

export type Access = 'can_contribute' | 'can_view';
export const ACCESS_LEVELS: readonly Access[] = ['can_contribute', 'can_view'];

export interface Grant {
  /** A validated folder path, never '' (the top level belongs to admins). */
  folder: string;
  access: Access;
}

/** Who a request or a signature speaks for, as the authentication hook names it. */
export interface Identity {
  id: string;
  role: Role;
}

/** A user as the checks see it: the catalogue's record, or what the identity alone says. */
export interface User extends Identity {
  grants: readonly Grant[];
}

/** A folder path as typed ('' = the top level), strictly validated; anything else → 400 FOLDER_INVALID. */
export function parseFolder(value: unknown): string {
  if (typeof value !== 'string') throw new UploadError('FOLDER_INVALID', 'A folder must be a string.');
  const verdict = checkFolder(value);
  if (!verdict.ok) throw verdict.error;
  return value;
}

/** `folder` is `scope` or below it, by whole segments; '' (the top level) holds everything. Both validated. */
export function isWithin(folder: string, scope: string): boolean {
  return scope === '' || folder === scope || folder.startsWith(`${scope}/`);
}

/** The most generous access the user has to `folder` (a validated path), or null. */
export function accessTo(user: User, folder: string): Access | null {
  if (user.role === 'admin') return 'can_contribute';
  let found: Access | null = null;
  for (const grant of user.grants) {
    if (!isWithin(folder, grant.folder)) continue;
    if (grant.access === 'can_contribute') return 'can_contribute';
    found = 'can_view';
  }
  return found;
}

export function canContribute(user: User, folder: string): boolean {
  return accessTo(user, folder) === 'can_contribute';
}

export function canView(user: User, folder: string): boolean {
  return accessTo(user, folder) !== null;
}

/**
 * The folders whose subtrees the user may view, none inside another; null = everything (admins). A listing filters
 * on these, so what a user cannot view is never read, not merely hidden.
 */
export function viewScopes(user: User): string[] | null {
  if (user.role === 'admin') return null;
  const folders = [...new Set(user.grants.map((grant) => grant.folder))].sort();
  return folders.filter((folder) => !folders.some((other) => other !== folder && isWithin(folder, other)));
}

/** The folder part of a public ID ('' at the top level): where the asset is listed and delivered. */
export function folderOf(publicId: string): string {
  const slash = publicId.lastIndexOf('/');
  return slash < 0 ? '' : publicId.slice(0, slash);
}

/** What an upload writes into: its settings after presets, as ingest and the signing endpoint both resolve them. */
export interface UploadTarget {
  /** The `folder` in force ('' = none). */
  folder: string;
  publicId?: string | undefined;
  assetFolder?: string | undefined;
}

/**
 * Every folder an upload writes into: `folder` joined with the folder part of the public ID (fixed folders: that is
 * where the asset and its delivery URL end up), and `asset_folder` when one is given. Not yet validated.
 */
export function uploadFolders(target: UploadTarget): string[] {
  const idFolder = target.publicId === undefined ? '' : folderOf(target.publicId);
  const folder = [target.folder, idFolder].filter((part) => part !== '').join('/');
  const folders = [folder];
  if (target.assetFolder !== undefined && target.assetFolder !== '' && target.assetFolder !== folder)
    folders.push(target.assetFolder);
  return folders;
}

/**
 * Throws unless `user` may contribute to every folder: a malformed path → 400 FOLDER_INVALID, a folder outside the
 * user's grants → 403 FORBIDDEN_FOLDER. Admins are not held to the folder rule here (the upload's own naming rules
 * still apply to them), so public IDs with dotted folder parts keep working for them.
 */
export function assertMayContribute(user: User, folders: readonly string[]): void {
  if (user.role === 'admin') return;
  for (const folder of folders) {
    if (!canContribute(user, parseFolder(folder)))
      throw new UploadError(
        'FORBIDDEN_FOLDER',
        folder === ''
          ? 'You may not upload to the top level; choose a folder you can contribute to.'
          : `You may not upload into the folder "${folder}".`,
      );
  }
}

/**
 * The user the checks hold to: the catalogue's record when it has one (roles and grants are managed there), else
 * the identity's own role without grants (a user the authentication hook knows and nobody has configured yet).
 */
export function effectiveUser(identity: Identity, stored: User | null): User {
  return stored ?? { id: identity.id, role: identity.role, grants: [] };
}
