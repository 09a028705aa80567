/**
 * `GET /api/assets?cursor=&limit=`: the newest assets first, in the Upload API's JSON (the demo's live grid).
 * Unauthenticated in this skeleton: it lists only what delivery URLs already expose.
 */
import { UploadError } from '../../errors.js';
import type { UploadApiResponse } from '../../protocol/params.js';
import { toUploadResponse } from '../asset-json.js';
import type { ServerContext } from '../context.js';
import { sendJson } from '../http.js';
import type { Route } from '../router.js';

const DEFAULT_LIMIT = 30;
const MAX_LIMIT = 500;

export interface AssetList {
  resources: UploadApiResponse[];
  next_cursor?: string;
}

export function assetsRoute(ctx: ServerContext): Route {
  return {
    pattern: /^\/api\/assets\/?$/,
    methods: ['GET', 'HEAD'],
    async handle(_req, res, _match, url) {
      const limitText = url.searchParams.get('limit') ?? '';
      if (limitText !== '' && !/^\d{1,4}$/.test(limitText))
        throw new UploadError('PARAM_INVALID', `limit must be an integer from 1 to ${MAX_LIMIT}.`);
      const limit = limitText === '' ? DEFAULT_LIMIT : Math.min(Math.max(Number(limitText), 1), MAX_LIMIT);
      const page = await ctx.catalog.list({
        cloud: ctx.credentials.cloud_name,
        cursor: url.searchParams.get('cursor') ?? undefined,
        limit,
      });
      const json = { publicUrl: ctx.publicUrl, apiKey: ctx.credentials.api_key, apiSecret: ctx.credentials.api_secret };
      const body: AssetList = {
        resources: page.records.map((record) => toUploadResponse(record, json)),
        ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
      };
      sendJson(res, 200, body, { 'Access-Control-Allow-Origin': '*' });
    },
  };
}
