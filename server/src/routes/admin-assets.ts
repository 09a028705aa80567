/**
 * The admin API for assets and manual moderation (admin token required):
 *   GET  /api/admin/assets?status=pending,rejected&cursor=&limit=   every asset (rejected ones too), with status
 *   POST /api/admin/assets/:resource_type/<public id>/approve       → approved: delivered
 *   POST /api/admin/assets/:resource_type/<public id>/reject        → rejected: delivery answers 404
 * Either verdict may be given to any asset, moderated or not (rejecting an unmoderated asset takes it down).
 */

import type { ResourceType } from 'signet-upload/protocol';
import { UploadError } from 'signet-upload/protocol';
import { type ListedAssetJson, toListedAsset } from '../asset-json.js';
import { ASSET_STATUSES, type AssetStatus } from '../catalog/catalog.js';
import type { ServerContext } from '../context.js';
import { sendJson } from '../http.js';
import { decodeSegment, type Route } from '../router.js';
import { requireAdmin } from './admin-auth.js';
import { listAssets } from './assets.js';

export function adminAssetsRoute(ctx: ServerContext): Route {
  return {
    pattern: /^\/api\/admin\/assets\/?$/,
    methods: ['GET', 'HEAD'],
    async handle(req, res, _match, url) {
      requireAdmin(ctx, req);
      const text = url.searchParams.get('status') ?? '';
      const status = text === '' ? undefined : text.split(',');
      const unknown = status?.filter((value) => !(ASSET_STATUSES as readonly string[]).includes(value)) ?? [];
      if (unknown.length > 0)
        throw new UploadError(
          'PARAM_INVALID',
          `status must be a comma-separated list of ${ASSET_STATUSES.join(', ')}.`,
        );
      sendJson(res, 200, await listAssets(ctx, url, status as AssetStatus[] | undefined));
    },
  };
}

const VERDICTS = { approve: 'approved', reject: 'rejected' } as const satisfies Record<string, AssetStatus>;

export function adminModerationRoute(ctx: ServerContext): Route {
  return {
    pattern: /^\/api\/admin\/assets\/(image|video|raw)\/(.+)\/(approve|reject)\/?$/,
    methods: ['POST'],
    async handle(req, res, match) {
      requireAdmin(ctx, req);
      const key = {
        cloud: ctx.credentials.cloud_name,
        resourceType: match[1] as ResourceType,
        publicId: (match[2] ?? '').split('/').map(decodeSegment).join('/'),
      };
      const record = await ctx.catalog.assets.setStatus(key, VERDICTS[match[3] as keyof typeof VERDICTS]);
      if (!record) throw new UploadError('NOT_FOUND', 'Resource not found.');
      const json = { publicUrl: ctx.publicUrl, apiKey: ctx.credentials.api_key, apiSecret: ctx.credentials.api_secret };
      const body: ListedAssetJson = toListedAsset(record, json);
      sendJson(res, 200, body);
    },
  };
}
