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
import { UploadError } from 'signet-upload/protocol';
import type { Grant, User } from '../auth/permissions.js';
import { parseAccess, parseGrant, parseGrants, parseRole, parseUserId, replaceGrants } from '../auth/users.js';
import type { ServerContext } from '../context.js';
import { sendJson } from '../http.js';
import { decodeSegment, type Route } from '../router.js';
import { readJson, requireAdmin } from './admin-auth.js';
import type { UserJson } from './me.js';

export function adminUsersRoute(ctx: ServerContext): Route {
  return {
    pattern: /^\/api\/admin\/users\/?$/,
    methods: ['GET', 'HEAD'],
    async handle(req, res) {
      requireAdmin(ctx, req);
      sendJson(res, 200, { users: (await ctx.catalog.users.list()).map(toJson) });
    },
  };
}

export function adminUserRoute(ctx: ServerContext): Route {
  return {
    pattern: /^\/api\/admin\/users\/([^/]+)\/?$/,
    methods: ['GET', 'HEAD', 'PUT', 'DELETE'],
    async handle(req, res, match) {
      requireAdmin(ctx, req);
      const id = userIdFrom(match[1]);
      if (req.method === 'PUT') {
        const { role, grants } = readUserBody(await readJson(ctx, req), id);
        const created = await ctx.catalog.users.put(id, role);
        if (grants) await replaceGrants(ctx.catalog.users, id, grants);
        sendJson(res, created ? 201 : 200, toJson(await existingUser(ctx, id)));
        return;
      }
      if (req.method === 'DELETE') {
        if (!(await ctx.catalog.users.delete(id))) throw noUser(id);
        sendJson(res, 200, { message: 'deleted' });
        return;
      }
      sendJson(res, 200, toJson(await existingUser(ctx, id)));
    },
  };
}

export function adminGrantsRoute(ctx: ServerContext): Route {
  return {
    pattern: /^\/api\/admin\/users\/([^/]+)\/grants(?:\/(.*))?$/,
    methods: ['GET', 'HEAD', 'PUT', 'DELETE'],
    async handle(req, res, match) {
      requireAdmin(ctx, req);
      const id = userIdFrom(match[1]);
      const path = match[2];
      if (path === undefined || path === '') {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          res.setHeader('Allow', 'GET, HEAD');
          throw new UploadError('METHOD_NOT_ALLOWED', 'Name the folder: /grants/<folder path>.');
        }
        sendJson(res, 200, { grants: [...(await existingUser(ctx, id)).grants] });
        return;
      }
      const folder = folderFrom(path, req.url ?? '');
      if (req.method === 'PUT') {
        const grant = parseGrant({ folder, access: readAccess(await readJson(ctx, req)) });
        const before = await existingUser(ctx, id);
        if (!(await ctx.catalog.users.putGrant(id, grant))) throw noUser(id);
        const created = !before.grants.some((other) => other.folder === folder);
        sendJson(res, created ? 201 : 200, grant);
        return;
      }
      const user = await existingUser(ctx, id);
      if (req.method === 'DELETE') {
        if (!(await ctx.catalog.users.deleteGrant(id, folder)))
          throw new UploadError('NOT_FOUND', `"${id}" has no grant on "${folder}".`);
        sendJson(res, 200, { message: 'deleted' });
        return;
      }
      const grant = user.grants.find((other) => other.folder === folder);
      if (!grant) throw new UploadError('NOT_FOUND', `"${id}" has no grant on "${folder}".`);
      sendJson(res, 200, grant);
    },
  };
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

function userIdFrom(segment: string | undefined): string {
  return parseUserId(decodeSegment(segment ?? ''));
}

/**
 * A folder path from the URL, segment by segment: an encoded slash inside a segment (`users%2F42`), an empty
 * segment (`a//b`, a trailing `/`) or `..` is no folder → 400 FOLDER_INVALID, never a different folder. The URL
 * parser has already resolved `.` and `..` (`%2E%2E` too), so those are looked for in the request as it came.
 */
function folderFrom(path: string, rawTarget: string): string {
  const rawPath = rawTarget.split('?')[0] ?? '';
  if (rawPath.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment)))
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
