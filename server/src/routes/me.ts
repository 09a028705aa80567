/**
 * `GET /api/me`: who the caller is to this server (`{id, role, grants}`), as the media library shows it; 401
 * UNAUTHENTICATED without a user. Roles and grants are the catalogue's, as every check sees them.
 */
import { UploadError } from 'signet-upload/protocol';
import { currentUser } from '../auth/access.js';
import type { Grant, Role } from '../auth/permissions.js';
import type { ServerContext } from '../context.js';
import { header, sendJson } from '../http.js';
import type { Route } from '../router.js';
import { preflight, setCors } from './sign.js';

export interface UserJson {
  id: string;
  role: Role;
  grants: Grant[];
}

export function meRoute(ctx: ServerContext): Route {
  return {
    pattern: /^\/api\/me\/?$/,
    methods: ['GET', 'HEAD', 'OPTIONS'],
    async handle(req, res) {
      const origin = header(req, 'origin');
      setCors(res, origin, origin !== '' && ctx.config.cors.origins.includes(origin));
      if (req.method === 'OPTIONS') return preflight(res, 'GET, HEAD, OPTIONS');
      const user = await currentUser(ctx, req);
      if (!user) throw new UploadError('UNAUTHENTICATED', 'Not signed in.');
      const body: UserJson = { id: user.id, role: user.role, grants: [...user.grants] };
      sendJson(res, 200, body);
    },
  };
}
