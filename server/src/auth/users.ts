/**
 * Users as they are written down: in the config file (`users: {<token>: {id, role, grants}}`) and in admin API
 * bodies. Strict parsing into the shapes of permissions.ts, then seeding the config file's users into the catalogue.
 */
import { UploadError } from 'signet-upload/protocol';
import type { Catalog } from '../catalog/catalog.js';
import { ACCESS_LEVELS, type Access, type Grant, type Identity, parseFolder, ROLES, type Role } from './permissions.js';

/** Letters, digits and `_ . @ + -`, starting with a letter or digit: safe in a URL path and in a log line. */
export const USER_ID = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$/;
export const MAX_GRANTS = 200;

/** A grant as JSON: `{"folder": "users/42", "access": "can_contribute"}`. */
export interface GrantJson {
  folder: string;
  access: Access;
}

export function parseUserId(value: unknown): string {
  if (typeof value !== 'string' || !USER_ID.test(value))
    throw new UploadError('PARAM_INVALID', 'A user id is 1–128 letters, digits, "_", ".", "@", "+" or "-".');
  return value;
}

export function parseRole(value: unknown): Role {
  if (!ROLES.includes(value as Role))
    throw new UploadError('PARAM_INVALID', `role must be one of ${ROLES.map((role) => `"${role}"`).join(', ')}.`);
  return value as Role;
}

export function parseAccess(value: unknown): Access {
  if (!ACCESS_LEVELS.includes(value as Access))
    throw new UploadError(
      'PARAM_INVALID',
      `access must be one of ${ACCESS_LEVELS.map((access) => `"${access}"`).join(', ')}.`,
    );
  return value as Access;
}

/** One grant: a validated, non-empty folder (400 FOLDER_INVALID) and an access level. */
export function parseGrant(value: unknown): Grant {
  if (!isObject(value)) throw new UploadError('PARAM_INVALID', 'A grant is an object {"folder", "access"}.');
  const unknown = Object.keys(value).filter((key) => key !== 'folder' && key !== 'access');
  if (unknown.length > 0) throw new UploadError('PARAM_INVALID', `Unknown grant keys: ${unknown.join(', ')}.`);
  const folder = parseFolder(value.folder);
  if (folder === '') throw new UploadError('FOLDER_INVALID', 'A grant names a folder; the top level is for admins.');
  return { folder, access: parseAccess(value.access) };
}

/** A list of grants, one per folder, sorted by folder. */
export function parseGrants(value: unknown): Grant[] {
  if (!Array.isArray(value)) throw new UploadError('PARAM_INVALID', 'grants must be a list of grants.');
  if (value.length > MAX_GRANTS) throw new UploadError('PARAM_INVALID', `At most ${MAX_GRANTS} grants per user.`);
  const grants = value.map(parseGrant);
  const folders = new Set<string>();
  for (const grant of grants) {
    if (folders.has(grant.folder))
      throw new UploadError('PARAM_INVALID', `The folder "${grant.folder}" is granted twice.`);
    folders.add(grant.folder);
  }
  return sortGrants(grants);
}

export function sortGrants(grants: readonly Grant[]): Grant[] {
  return [...grants].sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
}

/** A user of the config file, under its token. */
export interface ConfigUser extends Identity {
  /** Absent: the catalogue's grants stay as the admin API left them. Given: the catalogue gets exactly these. */
  grants?: GrantJson[];
}

/** Checks the config file's users; throws an `Error` naming the problem (the server does not start). */
export function checkConfigUsers(users: unknown): void {
  if (!isObject(users)) throw new Error('Config users must be an object of users by token.');
  const seen = new Map<string, string>();
  for (const [token, user] of Object.entries(users)) {
    if (token.length < 16) throw new Error('Config users: every token must be at least 16 characters.');
    if (!isObject(user) || typeof user.id !== 'string' || (user.role !== 'admin' && user.role !== 'contributor'))
      throw new Error('Config users: every user needs an `id` and a `role` of "admin" or "contributor".');
    try {
      parseUserId(user.id);
      const grants = user.grants === undefined ? undefined : parseGrants(user.grants);
      if (grants && user.role === 'admin') throw new UploadError('PARAM_INVALID', 'an admin has no grants.');
      // One user may have several tokens (rotation), as long as they all say the same.
      const said = JSON.stringify({ role: user.role, grants });
      if (seen.has(user.id) && seen.get(user.id) !== said)
        throw new UploadError('PARAM_INVALID', 'its tokens give it different roles or grants.');
      seen.set(user.id, said);
    } catch (error) {
      throw new Error(`Config users: "${String(user.id).slice(0, 64)}": ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

/**
 * Writes the config file's users into the catalogue on start: their role, and their grants when the file lists
 * them. As with presets, the file wins over admin API changes to the same user, at each start.
 */
export async function seedUsers(catalog: Catalog, users: Readonly<Record<string, ConfigUser>>): Promise<void> {
  const seeded = new Set<string>();
  for (const user of Object.values(users)) {
    if (seeded.has(user.id)) continue;
    seeded.add(user.id);
    await catalog.putUser(user.id, user.role);
    if (user.grants !== undefined) await replaceGrants(catalog, user.id, parseGrants(user.grants));
  }
}

/** Makes a user's grants exactly `grants`, one grant at a time; what goes, goes first (revocations never wait). */
export async function replaceGrants(catalog: Catalog, userId: string, grants: readonly Grant[]): Promise<void> {
  const before = (await catalog.getUser(userId))?.grants ?? [];
  for (const old of before)
    if (!grants.some((grant) => grant.folder === old.folder)) await catalog.deleteGrant(userId, old.folder);
  for (const grant of grants) await catalog.putGrant(userId, grant);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
