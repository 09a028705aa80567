/**
 * `GET /api/folders`: the folder tree the caller may view, with asset counts (`{folders: [{name, path,
 * asset_count, total_count, children}], total_count}`). Folders exist because assets do (auth/folder-tree.ts): an
 * empty folder never appears. Who sees what is `GET /api/assets`'s rule, counts included.
 */
import { viewerScope } from '../auth/access.js';
import { type FolderNode, folderTree } from '../auth/folder-tree.js';
import type { ServerContext } from '../context.js';
import { header, sendJson } from '../http.js';
import type { Route } from '../router.js';
import { preflight, setCors } from './sign.js';

export interface FolderList {
  folders: FolderNode[];
  /** Every asset the caller may view, top level included. */
  total_count: number;
}

export function foldersRoute(ctx: ServerContext): Route {
  return {
    pattern: /^\/api\/folders\/?$/,
    methods: ['GET', 'HEAD', 'OPTIONS'],
    async handle(req, res) {
      const origin = header(req, 'origin');
      setCors(res, origin, origin !== '' && ctx.config.cors.origins.includes(origin));
      if (req.method === 'OPTIONS') return preflight(res, 'GET, HEAD, OPTIONS');
      const scope = await viewerScope(ctx, req);
      const counts = await ctx.catalog.assets.listFolders({
        cloud: ctx.credentials.cloud_name,
        status: scope.status,
        ...(scope.within ? { within: scope.within } : {}),
      });
      const body: FolderList = {
        folders: folderTree(counts),
        total_count: counts.reduce((sum, { count }) => sum + count, 0),
      };
      sendJson(res, 200, body);
    },
  };
}
