/**
 * `GET /api/assets?cursor=&limit=`: the newest assets first, in the Upload API's JSON plus each one's `status` (the
 * demo's live grid). Unauthenticated in this skeleton: it lists only what delivery URLs already expose, so never a
 * rejected asset (nor a pending one when pending assets are not delivered). The admin API lists everything.
 */
import { UploadError } from '../../errors.js';
import { type ListedAssetJson, toListedAsset } from '../asset-json.js';
import type { AssetStatus } from '../catalog/catalog.js';
import type { ServerContext } from '../context.js';
import { sendJson } from '../http.js';
import type { Route } from '../router.js';

const DEFAULT_LIMIT = 30;
const MAX_LIMIT = 500;

export interface AssetList {
  resources: ListedAssetJson[];
  next_cursor?: string;
}

export function assetsRoute(ctx: ServerContext): Route {
  const delivered: AssetStatus[] = ctx.config.assets.deliverPending
    ? ['active', 'approved', 'pending']
    : ['active', 'approved'];
  return {
    pattern: /^\/api\/assets\/?$/,
    methods: ['GET', 'HEAD'],
    async handle(_req, res, _match, url) {
      sendJson(res, 200, await listAssets(ctx, url, delivered), { 'Access-Control-Allow-Origin': '*' });
    },
  };
}

/** One page of assets in the given statuses, from `?cursor=&limit=`. */
export async function listAssets(
  ctx: ServerContext,
  url: URL,
  status: readonly AssetStatus[] | undefined,
): Promise<AssetList> {
  const limitText = url.searchParams.get('limit') ?? '';
  if (limitText !== '' && !/^\d{1,4}$/.test(limitText))
    throw new UploadError('PARAM_INVALID', `limit must be an integer from 1 to ${MAX_LIMIT}.`);
  const limit = limitText === '' ? DEFAULT_LIMIT : Math.min(Math.max(Number(limitText), 1), MAX_LIMIT);
  const page = await ctx.catalog.list({
    cloud: ctx.credentials.cloud_name,
    cursor: url.searchParams.get('cursor') ?? undefined,
    limit,
    status,
  });
  const json = { publicUrl: ctx.publicUrl, apiKey: ctx.credentials.api_key, apiSecret: ctx.credentials.api_secret };
  return {
    resources: page.records.map((record) => toListedAsset(record, json)),
    ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
  };
}
