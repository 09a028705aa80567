/**
 * Users as they are written down: in the config file (`users: {<token>: {id, role, grants}}`) and in admin API
 * bodies. Strict parsing into the shapes of permissions.ts, seeding the config file's users into the catalogue, and
 * holding an authenticated identity to what the catalogue says about that user now.
 *
 * The config file and the admin API both change users. The admin API wins: a user it deleted, demoted or re-granted
 * stays so across restarts, until the config file changes that user's entry (then the new entry applies). So a
 * deletion revokes at once and for good, and editing the file is still how an operator takes a user back.
 */
import { createHash } from 'node:crypto';
import { UploadError } from 'signet-upload/protocol';
import type { ConfigEntry, UserDirectory } from '../catalog/catalog.js';
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
 * Writes the config file's users into the catalogue on start: their role, and their grants when the file lists them,
 * for each user whose entry differs from the one applied last (see the module comment); forgets the entries of users
 * the file no longer names, so naming one again applies it again.
 */
export async function seedUsers(directory: UserDirectory, users: Readonly<Record<string, ConfigUser>>): Promise<void> {
  const entries = new Map<string, ConfigEntry>();
  for (const user of Object.values(users)) {
    if (entries.has(user.id)) continue;
    entries.set(user.id, {
      id: user.id,
      role: user.role,
      grants: user.grants === undefined ? undefined : parseGrants(user.grants),
    });
  }
  for (const entry of entries.values()) await directory.applyConfig(entry, configDigest(entry));
  await directory.forgetConfig([...entries.keys()]);
}

/** Fingerprint of a config entry: equal for entries that say the same (grants are sorted by `parseGrants`). */
export function configDigest(entry: ConfigEntry): string {
  const said = JSON.stringify({ id: entry.id, role: entry.role, grants: entry.grants ?? null });
  return createHash('sha256').update(said).digest('base64url');
}

/**
 * An authenticated identity held to the catalogue now: its record's role (a demotion holds from the next request),
 * nobody (null) when the admin API deleted the user, else the identity as the authentication named it (a hook's
 * user the catalogue has no record of). Anything else the identity carries (how it was presented) is kept.
 */
export async function liveIdentity<T extends Identity>(directory: UserDirectory, identity: T): Promise<T | null> {
  const stored = await directory.get(identity.id);
  if (stored) return { ...identity, role: stored.role };
  return (await directory.deleted(identity.id)) ? null : identity;
}

/** Makes a user's grants exactly `grants`, one grant at a time; what goes, goes first (revocations never wait). */
export async function replaceGrants(directory: UserDirectory, userId: string, grants: readonly Grant[]): Promise<void> {
  const before = (await directory.get(userId))?.grants ?? [];
  for (const old of before)
    if (!grants.some((grant) => grant.folder === old.folder)) await directory.deleteGrant(userId, old.folder);
  for (const grant of grants) await directory.putGrant(userId, grant);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
