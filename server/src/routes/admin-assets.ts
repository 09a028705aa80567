/**
 * The admin API for assets and manual moderation (admin token required):
 *   GET  /api/admin/assets?status=pending,rejected&cursor=&limit=   every asset (rejected ones too), with status
 *   POST /api/admin/assets/:resource_type/<public id>/approve       → approved: delivered
 *   POST /api/admin/assets/:resource_type/<public id>/reject        → rejected: delivery answers 404
 * Either verdict may be given to any asset, moderated or not (rejecting an unmoderated asset takes it down).
 */
import type { Router } from 'express';
import type { ResourceType } from 'signet-upload/protocol';
import { UploadError } from 'signet-upload/protocol';
import { type ListedAssetJson, toListedAsset } from '../asset-json.js';
import { ASSET_STATUSES, type AssetStatus } from '../catalog/catalog.js';
import type { ServerContext } from '../context.js';
import { methodNotAllowed } from '../http/errors.js';
import { sendJson } from '../http/respond.js';
import { decodeSegment, groups, newRouter, requestUrl } from '../http/route.js';
import { listAssets } from './assets.js';

const VERDICTS = { approve: 'approved', reject: 'rejected' } as const satisfies Record<string, AssetStatus>;
const VERDICT = /^\/assets\/(image|video|raw)\/(.+)\/(approve|reject)\/?$/;

export function adminAssetRoutes(ctx: ServerContext): Router {
  const router = newRouter();
  router
    .route('/assets')
    .get(async (req, res) => {
      const url = requestUrl(req);
      const text = url.searchParams.get('status') ?? '';
      const status = text === '' ? undefined : text.split(',');
      const unknown = status?.filter((value) => !(ASSET_STATUSES as readonly string[]).includes(value)) ?? [];
      if (unknown.length > 0)
        throw new UploadError(
          'PARAM_INVALID',
          `status must be a comma-separated list of ${ASSET_STATUSES.join(', ')}.`,
        );
      sendJson(res, 200, await listAssets(ctx, url, status as AssetStatus[] | undefined));
    })
    .all(methodNotAllowed(['GET', 'HEAD']));
  router
    .route(VERDICT)
    .post(async (req, res) => {
      const [resourceType = '', publicId = '', verdict = ''] = groups(req, VERDICT);
      const key = {
        cloud: ctx.credentials.cloud_name,
        resourceType: resourceType as ResourceType,
        publicId: publicId.split('/').map(decodeSegment).join('/'),
      };
      const record = await ctx.catalog.assets.setStatus(key, VERDICTS[verdict as keyof typeof VERDICTS]);
      if (!record) throw new UploadError('NOT_FOUND', 'Resource not found.');
      const json = { publicUrl: ctx.publicUrl, apiKey: ctx.credentials.api_key, apiSecret: ctx.credentials.api_secret };
      const body: ListedAssetJson = toListedAsset(record, json);
      sendJson(res, 200, body);
    })
    .all(methodNotAllowed(['POST']));
  return router;
}
