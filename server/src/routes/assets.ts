/**
 * The media library's page API.
 *
 * `GET /api/assets?folder=&recursive=1&q=&tag=&tag_any_case=&status=&resource_type=&sort=&cursor=&limit=`: a page of
 * assets in the Upload API's JSON plus each one's `status`, whether it is `delivered`, and the `allowed_actions` the
 * caller may take on it (`delete`, `approve`, `reject`). `folder` is one folder exactly (absent or '' = every folder);
 * with `recursive=1` everything below it too. `q` finds a text in the public ID, display name or original file name,
 * ignoring letter case; `tag` is one tag exactly, `tag_any_case` one tag whatever its letter case; `status` a
 * comma-separated list of statuses; `sort` one of newest (default), oldest, name, name_desc, largest, smallest.
 *
 * `POST /api/assets/:resource_type/<public id>/delete`: removes the asset (record and bytes) for a caller who may
 * contribute to its folders. `POST …/approve` and `…/reject`: manual moderation, for admins.
 *
 * It lists only what the caller may view (auth/access.ts): admins everything, rejected assets included;
 * contributors the delivered assets of the folders their grants let them view; callers without a user the
 * delivered assets when public listing is on (the demo), else 401. The admin API lists everything.
 */
import type { Router } from 'express';
import { checkPublicId, checkTags, RESOURCE_TYPES, type ResourceType, UploadError } from 'signet-upload/protocol';
import { deleteAsset, foldersOf, notFound } from '../asset-changes.js';
import { type ListedAssetJson, toListedAsset } from '../asset-json.js';
import { type ViewerScope, viewerScope } from '../auth/access.js';
import { assertMayContribute, canContribute, isWithin, parseFolder, type User } from '../auth/permissions.js';
import {
  ASSET_STATUSES,
  type AssetOrder,
  type AssetRecord,
  type AssetStatus,
  type FolderQuery,
} from '../catalog/catalog.js';
import type { ServerContext } from '../context.js';
import { callerOf } from '../http/caller.js';
import { methodNotAllowed } from '../http/errors.js';
import { sendJson } from '../http/respond.js';
import { decodeSegment, groups, newRouter, requestUrl } from '../http/route.js';

const DEFAULT_LIMIT = 30;
const MAX_LIMIT = 500;
const MAX_SEARCH = 255;

/** The library's orders, by the name `sort` takes. */
export const SORTS = {
  newest: { by: 'published', direction: 'desc' },
  oldest: { by: 'published', direction: 'asc' },
  name: { by: 'public_id', direction: 'asc' },
  name_desc: { by: 'public_id', direction: 'desc' },
  largest: { by: 'bytes', direction: 'desc' },
  smallest: { by: 'bytes', direction: 'asc' },
} as const satisfies Record<string, AssetOrder>;

type Action = 'delete' | 'approve' | 'reject';
const VERDICTS = { approve: 'approved', reject: 'rejected' } as const satisfies Record<string, AssetStatus>;
const ACTION = /^\/assets\/(image|video|raw)\/(.+)\/(delete|approve|reject)\/?$/;

/** A listed asset with what the page needs to know about it. */
export type LibraryAssetJson = ListedAssetJson & {
  /** Whether its delivery URL answers (rejected assets, and pending ones with `deliverPending` off, do not). */
  delivered: boolean;
  /** What the caller may do with it through `POST /api/assets/…/<action>`. */
  allowed_actions: Action[];
};

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
      const url = requestUrl(req);
      const page = await listAssets(ctx, url, scope.status, scope.within);
      const resources = page.resources.map((asset) => ({
        ...asset,
        delivered: isDelivered(ctx, asset.status ?? 'active'),
        allowed_actions: actionsFor(scope, asset),
      }));
      sendJson(res, 200, { ...page, resources });
    })
    .all(methodNotAllowed(['GET', 'HEAD', 'OPTIONS']));
  router
    .route(ACTION)
    .post(async (req, res) => {
      const [resourceType = '', rest = '', action = ''] = groups(req, ACTION);
      const publicId = rest.split('/').map(decodeSegment).join('/');
      if (!checkPublicId(publicId).ok) throw notFound(publicId);
      const scope = await viewerScope(ctx, callerOf(res).user);
      if (!scope.user) throw new UploadError('UNAUTHENTICATED', 'Sign in to change the library.');
      const key = { cloud: ctx.credentials.cloud_name, resourceType: resourceType as ResourceType, publicId };
      const record = await ctx.catalog.assets.get(key);
      // What the caller may not see does not exist for it.
      if (!record || !visible(scope, record)) throw notFound(publicId);
      if (action === 'delete') {
        assertMayContribute(scope.user, foldersOf(publicId, record));
        if (!(await deleteAsset(ctx, record))) throw notFound(publicId);
        sendJson(res, 200, { result: 'ok' });
        return;
      }
      assertAdmin(scope.user);
      const updated = await ctx.catalog.assets.setStatus(key, VERDICTS[action as keyof typeof VERDICTS]);
      if (!updated) throw notFound(publicId);
      const json = { publicUrl: ctx.publicUrl, apiKey: ctx.credentials.api_key, apiSecret: ctx.credentials.api_secret };
      const listed = toListedAsset(updated, json);
      const body: LibraryAssetJson = {
        ...listed,
        delivered: isDelivered(ctx, updated.status),
        allowed_actions: actionsFor(scope, listed),
      };
      sendJson(res, 200, body);
    })
    .all(methodNotAllowed(['POST', 'OPTIONS']));
  return router;
}

/**
 * The filters `GET /api/assets` and `GET /api/folders` share, from the query string: `q`, `tag`, `tag_any_case`,
 * `status` (within the statuses the caller may see) and `resource_type`. Bad values → 400.
 */
export function libraryFilters(
  url: URL,
  status: readonly AssetStatus[] | undefined,
): Omit<FolderQuery, 'cloud' | 'within'> {
  const query = url.searchParams;
  const search = query.get('q') ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a search for control characters finds nothing anyway
  if (search.length > MAX_SEARCH || /[\u0000-\u001f\u007f]/.test(search))
    throw new UploadError('PARAM_INVALID', `q must be at most ${MAX_SEARCH} printable characters.`);
  const tag = query.get('tag') ?? '';
  const anyCase = query.get('tag_any_case') ?? '';
  for (const given of [tag, anyCase]) {
    if (given === '') continue;
    const verdict = checkTags([given]);
    if (!verdict.ok) throw verdict.error;
  }
  const statusText = query.get('status') ?? '';
  const asked = statusText === '' ? undefined : statusText.split(',');
  if (asked?.some((value) => !(ASSET_STATUSES as readonly string[]).includes(value)))
    throw new UploadError('PARAM_INVALID', `status must be a comma-separated list of ${ASSET_STATUSES.join(', ')}.`);
  const type = query.get('resource_type') ?? '';
  if (type !== '' && !(RESOURCE_TYPES as readonly string[]).includes(type))
    throw new UploadError('PARAM_INVALID', `resource_type must be one of ${RESOURCE_TYPES.join(', ')}.`);
  const statuses =
    asked === undefined
      ? status
      : (asked as AssetStatus[]).filter((value) => status === undefined || status.includes(value));
  return {
    ...(statuses === undefined ? {} : { status: statuses }),
    ...(search === '' ? {} : { search }),
    ...(tag === '' ? {} : { tag }),
    ...(anyCase === '' ? {} : { tagAnyCase: anyCase }),
    ...(type === '' ? {} : { resourceType: type as ResourceType }),
  };
}

/**
 * One page of assets from the query string (see the top of this file), in the given statuses (undefined = all) and
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
  const sort = query.get('sort') || 'newest';
  if (!Object.hasOwn(SORTS, sort))
    throw new UploadError('PARAM_INVALID', `sort must be one of ${Object.keys(SORTS).join(', ')}.`);
  const page = await ctx.catalog.assets.list({
    cloud: ctx.credentials.cloud_name,
    cursor: query.get('cursor') ?? undefined,
    limit,
    order: SORTS[sort as keyof typeof SORTS],
    ...libraryFilters(url, status),
    ...(folder === '' ? {} : { folder, recursive }),
    ...(within ? { within } : {}),
  });
  const json = { publicUrl: ctx.publicUrl, apiKey: ctx.credentials.api_key, apiSecret: ctx.credentials.api_secret };
  return {
    resources: page.records.map((record) => toListedAsset(record, json)),
    ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
  };
}

function isDelivered(ctx: ServerContext, status: AssetStatus): boolean {
  return status === 'active' || status === 'approved' || (status === 'pending' && ctx.config.assets.deliverPending);
}

function visible(scope: ViewerScope, record: AssetRecord): boolean {
  if (scope.within !== null && !scope.within.some((folder) => isWithin(record.folder, folder))) return false;
  return scope.status === undefined || scope.status.includes(record.status);
}

function actionsFor(scope: ViewerScope, asset: ListedAssetJson): Action[] {
  const user = scope.user;
  if (!user) return [];
  const actions: Action[] = [];
  const folders = foldersOf(asset.public_id, { assetFolder: asset.asset_folder });
  if (folders.every((folder) => mayContribute(user, folder))) actions.push('delete');
  if (user.role === 'admin') {
    if (asset.status === 'pending' || asset.status === 'rejected') actions.push('approve');
    if (asset.status !== 'rejected') actions.push('reject');
  }
  return actions;
}

function mayContribute(user: User, folder: string): boolean {
  try {
    return canContribute(user, parseFolder(folder));
  } catch {
    // A public ID with dotted folder parts: only admins reach those (permissions.ts `assertMayContribute`).
    return user.role === 'admin';
  }
}

function assertAdmin(user: User): void {
  if (user.role !== 'admin') throw new UploadError('FORBIDDEN_FOLDER', 'Only an admin may approve or reject assets.');
}

function parseFlag(name: string, value: string): boolean {
  if (value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new UploadError('PARAM_INVALID', `${name} must be 1 or 0.`);
}
