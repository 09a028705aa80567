/**
 * `GET /api/folders?q=&tag=&tag_any_case=&status=&resource_type=`: the folder tree the caller may view, with asset
 * counts (`{folders: [{name, path, asset_count, total_count, children}], total_count}`). Folders exist because assets
 * do (auth/folder-tree.ts): an empty folder never appears. Who sees what is `GET /api/assets`'s rule, counts
 * included, and so are the filters: with the same filters, a folder's `total_count` is how many assets
 * `GET /api/assets?folder=<path>&recursive=1` lists, and its `asset_count` how many without `recursive`.
 */
import type { Router } from 'express';
import { viewerScope } from '../auth/access.js';
import { type FolderNode, folderTree } from '../auth/folder-tree.js';
import type { ServerContext } from '../context.js';
import { callerOf } from '../http/caller.js';
import { methodNotAllowed } from '../http/errors.js';
import { sendJson } from '../http/respond.js';
import { newRouter, requestUrl } from '../http/route.js';
import { libraryFilters } from './assets.js';

export interface FolderList {
  folders: FolderNode[];
  /** Every asset the caller may view, top level included. */
  total_count: number;
}

export function foldersRoutes(ctx: ServerContext): Router {
  const router = newRouter();
  router
    .route('/folders')
    .get(async (req, res) => {
      const scope = await viewerScope(ctx, callerOf(res).user);
      const counts = await ctx.catalog.assets.listFolders({
        cloud: ctx.credentials.cloud_name,
        status: scope.status,
        ...libraryFilters(requestUrl(req), scope.status),
        ...(scope.within ? { within: scope.within } : {}),
      });
      const body: FolderList = {
        folders: folderTree(counts),
        total_count: counts.reduce((sum, { count }) => sum + count, 0),
      };
      sendJson(res, 200, body);
    })
    .all(methodNotAllowed(['GET', 'HEAD', 'OPTIONS']));
  return router;
}
