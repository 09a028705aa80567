/**
 * `GET /api/me`: who the caller is to this server (`{id, role, grants}`), as the media library shows it; 401
 * UNAUTHENTICATED without a user. Roles and grants are the catalogue's, as every check sees them.
 */

import type { Router } from 'express';
import { UploadError } from 'signet-upload/protocol';
import { userOf } from '../auth/access.js';
import type { Grant, Role } from '../auth/permissions.js';
import type { ServerContext } from '../context.js';
import { callerOf } from '../http/caller.js';
import { methodNotAllowed } from '../http/errors.js';
import { sendJson } from '../http/respond.js';
import { newRouter } from '../http/route.js';

export interface UserJson {
  id: string;
  role: Role;
  grants: Grant[];
}

export function meRoutes(ctx: ServerContext): Router {
  const router = newRouter();
  router
    .route('/me')
    .get(async (_req, res) => {
      const { user: identity } = callerOf(res);
      if (!identity) throw new UploadError('UNAUTHENTICATED', 'Not signed in.');
      const user = await userOf(ctx, identity);
      const body: UserJson = { id: user.id, role: user.role, grants: [...user.grants] };
      sendJson(res, 200, body);
    })
    .all(methodNotAllowed(['GET', 'HEAD', 'OPTIONS']));
  return router;
}
