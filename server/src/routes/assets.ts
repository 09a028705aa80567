/**
 * `GET /api/assets?folder=&recursive=1&tag=&cursor=&limit=`: the newest assets first, in the Upload API's JSON plus
 * each one's `status` (the demo's grid and media library). `folder` is one folder exactly (absent or '' = every
 * folder); with `recursive=1` everything below it too; `tag` one tag exactly.
 *
 * It lists only what the caller may view (auth/access.ts): admins everything, rejected assets included;
 * contributors the delivered assets of the folders their grants let them view; callers without a user the
 * delivered assets when public listing is on (the demo), else 401. The admin API lists everything.
 */
import type { Router } from 'express';
import { checkTags, UploadError } from 'signet-upload/protocol';
import { type ListedAssetJson, toListedAsset } from '../asset-json.js';
import { viewerScope } from '../auth/access.js';
import { parseFolder } from '../auth/permissions.js';
import type { AssetStatus } from '../catalog/catalog.js';
import type { ServerContext } from '../context.js';
import { callerOf } from '../http/caller.js';
import { methodNotAllowed } from '../http/errors.js';
import { sendJson } from '../http/respond.js';
import { newRouter, requestUrl } from '../http/route.js';

const DEFAULT_LIMIT = 30;
const MAX_LIMIT = 500;

export interface AssetList {
  resources: ListedAssetJson[];
  next_cursor?: string;
}

export function assetsRoutes(ctx: ServerContext): Router {
  const router = newRouter();
  router
    .route('/assets')
    .get(async (req, res) => {
      const scope = await viewerScope(ctx, callerOf(res).user);
      sendJson(res, 200, await listAssets(ctx, requestUrl(req), scope.status, scope.within));
    })
    .all(methodNotAllowed(['GET', 'HEAD', 'OPTIONS']));
  return router;
}

/**
 * One page of assets from `?folder=&recursive=&tag=&cursor=&limit=`, in the given statuses (undefined = all) and
 * within the given folders (null or undefined = everywhere).
 */
export async function listAssets(
  ctx: ServerContext,
  url: URL,
  status: readonly AssetStatus[] | undefined,
  within?: readonly string[] | null,
): Promise<AssetList> {
  const query = url.searchParams;
  const limitText = query.get('limit') ?? '';
  if (limitText !== '' && !/^\d{1,4}$/.test(limitText))
    throw new UploadError('PARAM_INVALID', `limit must be an integer from 1 to ${MAX_LIMIT}.`);
  const limit = limitText === '' ? DEFAULT_LIMIT : Math.min(Math.max(Number(limitText), 1), MAX_LIMIT);
  const folder = parseFolder(query.get('folder') ?? '');
  const recursive = parseFlag('recursive', query.get('recursive') ?? '');
  const tag = query.get('tag') ?? '';
  if (tag !== '') {
    const verdict = checkTags([tag]);
    if (!verdict.ok) throw verdict.error;
  }
  const page = await ctx.catalog.assets.list({
    cloud: ctx.credentials.cloud_name,
    cursor: query.get('cursor') ?? undefined,
    limit,
    status,
    ...(folder === '' ? {} : { folder, recursive }),
    ...(tag === '' ? {} : { tag }),
    ...(within ? { within } : {}),
  });
  const json = { publicUrl: ctx.publicUrl, apiKey: ctx.credentials.api_key, apiSecret: ctx.credentials.api_secret };
  return {
    resources: page.records.map((record) => toListedAsset(record, json)),
    ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
  };
}

function parseFlag(name: string, value: string): boolean {
  if (value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new UploadError('PARAM_INVALID', `${name} must be 1 or 0.`);
}
