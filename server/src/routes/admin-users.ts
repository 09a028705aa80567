/**
 * The admin API for users and their folder grants (admin token required):
 *   GET    /api/admin/users                          → { users: [{ id, role, grants }] }
 *   GET    /api/admin/users/:id                      → the user
 *   PUT    /api/admin/users/:id                      { role, grants? } → creates (201) or changes (200) it; grants,
 *                                                    when given, replace all of its grants
 *   DELETE /api/admin/users/:id                      → { message: "deleted" }, grants included
 *   GET    /api/admin/users/:id/grants               → { grants: [{ folder, access }] }
 *   PUT    /api/admin/users/:id/grants/<folder path> { access } → the grant (201 new, 200 changed)
 *   DELETE /api/admin/users/:id/grants/<folder path> → { message: "deleted" }
 * A change holds from the next check on: a signature issued before a grant was revoked no longer uploads.
 * A change here wins over the config file's entry for that user until the file changes that entry (auth/users.ts).
 */
import type { Request, Router } from 'express';
import { UploadError } from 'signet-upload/protocol';
import type { Grant, User } from '../auth/permissions.js';
import { parseAccess, parseGrant, parseGrants, parseRole, parseUserId, replaceGrants } from '../auth/users.js';
import type { ServerContext } from '../context.js';
import { methodNotAllowed } from '../http/errors.js';
import { sendJson } from '../http/respond.js';
import { decodeSegment, groups, newRouter } from '../http/route.js';
import type { UserJson } from './me.js';

const USER = /^\/users\/([^/]+)\/?$/;
const GRANTS = /^\/users\/([^/]+)\/grants\/?$/;
const GRANT = /^\/users\/([^/]+)\/grants\/(.+)$/;

export function adminUserRoutes(ctx: ServerContext): Router {
  const users = ctx.catalog.users;
  const router = newRouter();
  router
    .route('/users')
    .get(async (_req, res) => sendJson(res, 200, { users: (await users.list()).map(toJson) }))
    .all(methodNotAllowed(['GET', 'HEAD']));
  router
    .route(USER)
    .get(async (req, res) => sendJson(res, 200, toJson(await existingUser(ctx, userIdFrom(req, USER)))))
    .put(async (req, res) => {
      const id = userIdFrom(req, USER);
      const { role, grants } = readUserBody(req.body, id);
      const created = await users.put(id, role);
      if (grants) await replaceGrants(users, id, grants);
      sendJson(res, created ? 201 : 200, toJson(await existingUser(ctx, id)));
    })
    .delete(async (req, res) => {
      const id = userIdFrom(req, USER);
      if (!(await users.delete(id))) throw noUser(id);
      sendJson(res, 200, { message: 'deleted' });
    })
    .all(methodNotAllowed(['GET', 'HEAD', 'PUT', 'DELETE']));
  router
    .route(GRANTS)
    .get(async (req, res) => {
      sendJson(res, 200, { grants: [...(await existingUser(ctx, userIdFrom(req, GRANTS))).grants] });
    })
    .all((_req, res, next) => {
      res.setHeader('Allow', 'GET, HEAD');
      next(new UploadError('METHOD_NOT_ALLOWED', 'Name the folder: /grants/<folder path>.'));
    });
  router
    .route(GRANT)
    .get(async (req, res) => {
      const { id, folder } = grantTarget(req);
      const user = await existingUser(ctx, id);
      const grant = user.grants.find((other) => other.folder === folder);
      if (!grant) throw new UploadError('NOT_FOUND', `"${id}" has no grant on "${folder}".`);
      sendJson(res, 200, grant);
    })
    .put(async (req, res) => {
      const { id, folder } = grantTarget(req);
      const grant = parseGrant({ folder, access: readAccess(req.body) });
      const before = await existingUser(ctx, id);
      if (!(await users.putGrant(id, grant))) throw noUser(id);
      const created = !before.grants.some((other) => other.folder === folder);
      sendJson(res, created ? 201 : 200, grant);
    })
    .delete(async (req, res) => {
      const { id, folder } = grantTarget(req);
      await existingUser(ctx, id);
      if (!(await users.deleteGrant(id, folder)))
        throw new UploadError('NOT_FOUND', `"${id}" has no grant on "${folder}".`);
      sendJson(res, 200, { message: 'deleted' });
    })
    .all(methodNotAllowed(['GET', 'HEAD', 'PUT', 'DELETE']));
  return router;
}

function grantTarget(req: Request): { id: string; folder: string } {
  const [, path = ''] = groups(req, GRANT);
  return { id: userIdFrom(req, GRANT), folder: folderFrom(path) };
}

function toJson(user: User): UserJson {
  return { id: user.id, role: user.role, grants: [...user.grants] };
}

async function existingUser(ctx: ServerContext, id: string): Promise<User> {
  const user = await ctx.catalog.users.get(id);
  if (!user) throw noUser(id);
  return user;
}

function noUser(id: string): UploadError {
  return new UploadError('NOT_FOUND', `No user "${id}".`);
}

function userIdFrom(req: Request, pattern: RegExp): string {
  return parseUserId(decodeSegment(groups(req, pattern)[0] ?? ''));
}

/**
 * A folder path from the URL as it came, segment by segment: an encoded slash inside a segment (`users%2F42`), an
 * empty segment (`a//b`, a trailing `/`), `.` or `..` (encoded too) is no folder → 400 FOLDER_INVALID, never a
 * different folder.
 */
function folderFrom(path: string): string {
  if (path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment)))
    throw new UploadError('FOLDER_INVALID', 'A folder path cannot hold "." or ".." segments.');
  const segments = path.split('/').map(decodeSegment);
  if (segments.some((segment) => segment.includes('/')))
    throw new UploadError('FOLDER_INVALID', 'A folder segment cannot contain "/".');
  return parseGrant({ folder: segments.join('/'), access: 'can_view' }).folder;
}

function readUserBody(body: unknown, id: string): { role: User['role']; grants: Grant[] | undefined } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new UploadError('PARAM_INVALID', 'Send the user as one JSON object {"role", "grants"}.');
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !['id', 'role', 'grants'].includes(key));
  if (unknown.length > 0) throw new UploadError('PARAM_INVALID', `Unknown user keys: ${unknown.join(', ')}.`);
  if (record.id !== undefined && record.id !== id)
    throw new UploadError('PARAM_INVALID', 'The id in the body differs from the one in the URL.');
  return {
    role: parseRole(record.role),
    grants: record.grants === undefined ? undefined : parseGrants(record.grants),
  };
}

function readAccess(body: unknown): Grant['access'] {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new UploadError('PARAM_INVALID', 'Send the grant as {"access": "can_contribute" | "can_view"}.');
  const unknown = Object.keys(body).filter((key) => key !== 'access');
  if (unknown.length > 0) throw new UploadError('PARAM_INVALID', `Unknown grant keys: ${unknown.join(', ')}.`);
  return parseAccess((body as Record<string, unknown>).access);
}
