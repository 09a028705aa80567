/**
 * The rest of Cloudinary's Upload API, on stored assets, signed exactly as the SDKs sign them and authorised by
 * `authorizeAssetCall` (signature, window, the signers' grants over every folder the call touches, replay):
 *
 *   POST /v1_1/:cloud/:resource_type/destroy     public_id                          → {result: "ok" | "not found"}
 *   POST /v1_1/:cloud/:resource_type/rename      from_public_id, to_public_id, overwrite     → the asset
 *   POST /v1_1/:cloud/:resource_type/tags        command (add|remove|replace|remove_all), tag, public_ids[]
 *                                                                                    → {public_ids: [changed]}
 *   POST /v1_1/:cloud/:resource_type/context     command (add|remove_all), context, public_ids[] → {public_ids}
 *   POST /v1_1/:cloud/:resource_type/explicit    public_id, tags, context, moderation, custom_coordinates → the asset
 *   POST /v1_1/:cloud/delete_by_token            token (no signature: the upload's `delete_token`) → {result: "ok"}
 *
 * Every asset here is of type `upload`: a `type` naming another finds nothing, a `to_type` naming another is refused.
 * Like the upload endpoint: any origin (the signature, or the token, is the authorisation), SDK-readable statuses.
 */
import type { Router } from 'express';
import { checkPublicId, isUploadResourceType, parseTags, type ResourceType, UploadError } from 'signet-upload/protocol';
import {
  applyContextCommand,
  applyTagCommand,
  CONTEXT_COMMANDS,
  deleteAsset,
  describedChange,
  foldersOf,
  isContextCommand,
  isTagCommand,
  notFound,
  renameAsset,
  renameTarget,
  TAG_COMMANDS,
} from '../asset-changes.js';
import { toUploadResponse } from '../asset-json.js';
import type { AssetKey, AssetRecord } from '../catalog/catalog.js';
import { nowSeconds, type ServerContext } from '../context.js';
import { publicCors } from '../http/cors.js';
import { cloudinaryStatuses, methodNotAllowed } from '../http/errors.js';
import { sendJson } from '../http/respond.js';
import { decodeSegment, groups, newRouter, requestUrl } from '../http/route.js';
import { authorizeAssetCall } from '../pipeline/authorize.js';
import { readCallParams } from '../pipeline/call-body.js';
import { readDeleteToken } from '../pipeline/delete-token.js';
import { CallParams, contextOf, parseBoolean, parseModeration } from '../pipeline/request.js';

const CALL = /^\/v1_1\/([^/]+)\/([^/]+)\/(destroy|rename|tags|context|explicit)\/?$/;
const DELETE_BY_TOKEN = /^\/v1_1\/([^/]+)\/delete_by_token\/?$/;
const MAX_PUBLIC_IDS = 1000;

type Call = 'destroy' | 'rename' | 'tags' | 'context' | 'explicit';

/** The parameters each call knows (besides the credentials); anything else → 400 PARAM_NOT_ALLOWED. */
const CALL_PARAMS: Record<Call, readonly string[]> = {
  destroy: ['public_id', 'type', 'invalidate'],
  rename: ['from_public_id', 'to_public_id', 'overwrite', 'invalidate', 'type', 'to_type', 'context', 'metadata'],
  tags: ['command', 'tag', 'type'],
  context: ['command', 'context', 'type'],
  explicit: ['public_id', 'type', 'tags', 'context', 'moderation', 'custom_coordinates', 'invalidate'],
};

interface CallTarget {
  cloud: string;
  resourceType: ResourceType;
}

export function uploadApiRoutes(ctx: ServerContext): Router {
  const router = newRouter();
  const cors = publicCors({
    methods: ['POST'],
    headers: ['Content-Type', 'X-Requested-With'],
    expose: ['Retry-After'],
  });
  router
    .route(CALL)
    .all(cors, cloudinaryStatuses)
    .post(async (req, res) => {
      const [cloud = '', resourceType = '', call = ''] = groups(req, CALL);
      const target = callTarget(ctx, decodeSegment(cloud), decodeSegment(resourceType));
      const params = new CallParams(CALL_PARAMS[call as Call], {
        lists: call === 'tags' || call === 'context' ? ['public_ids'] : [],
      });
      await readCallParams(ctx, req, requestUrl(req), params);
      params.assertKnown();
      sendJson(res, 200, await HANDLERS[call as Call](ctx, target, params));
    })
    .all(methodNotAllowed(['POST', 'OPTIONS']));
  router
    .route(DELETE_BY_TOKEN)
    .all(cors, cloudinaryStatuses)
    .post(async (req, res) => {
      const [cloud = ''] = groups(req, DELETE_BY_TOKEN);
      if (decodeSegment(cloud) !== ctx.credentials.cloud_name) throw unknownCloud(cloud);
      const params = new CallParams(['token'], { signed: false });
      await readCallParams(ctx, req, requestUrl(req), params);
      params.assertKnown();
      sendJson(res, 200, await deleteByToken(ctx, params.text('token')));
    })
    .all(methodNotAllowed(['POST', 'OPTIONS']));
  return router;
}

type Handler = (ctx: ServerContext, target: CallTarget, params: CallParams) => Promise<unknown>;

const HANDLERS: Record<Call, Handler> = {
  async destroy(ctx, target, params) {
    const publicId = requiredPublicId(params, 'public_id');
    const record = await findAsset(ctx, target, params, publicId);
    parseBoolean('invalidate', params.text('invalidate'));
    await authorizeAssetCall(ctx, params.signedCall(), foldersOf(publicId, record));
    if (!record) return { result: 'not found' };
    return { result: (await deleteAsset(ctx, record)) ? 'ok' : 'not found' };
  },

  async rename(ctx, target, params) {
    const from = requiredPublicId(params, 'from_public_id');
    const to = requiredPublicId(params, 'to_public_id');
    const toType = params.text('to_type');
    if (toType !== undefined && toType !== 'upload')
      throw new UploadError(
        'PARAM_NOT_ALLOWED',
        `to_type "${toType.slice(0, 32)}" is not supported: every asset on this server is of type "upload".`,
      );
    const overwrite = parseBoolean('overwrite', params.text('overwrite')) ?? false;
    for (const flag of ['invalidate', 'context', 'metadata']) parseBoolean(flag, params.text(flag));
    const record = await findAsset(ctx, target, params, from);
    const held = await findAsset(ctx, target, params, to);
    const folders = [
      ...foldersOf(from, record),
      ...foldersOf(to, held),
      ...(record ? [renameTarget(record, to).assetFolder] : []),
    ];
    await authorizeAssetCall(ctx, params.signedCall(), unique(folders));
    if (!record) throw notFound(from);
    const result = await renameAsset(ctx, record, to, overwrite);
    if (result.status === 'missing') throw notFound(from);
    if (result.status === 'taken')
      throw new UploadError(
        'PUBLIC_ID_INVALID',
        `to_public_id ${to} already exists; rename with overwrite to replace it, or choose another one.`,
      );
    return toUploadResponse(result.record, jsonContext(ctx));
  },

  async tags(ctx, target, params) {
    const command = params.text('command') ?? '';
    if (!isTagCommand(command))
      throw new UploadError('PARAM_INVALID', `command must be one of ${TAG_COMMANDS.join(', ')}.`);
    const tags = parseTags(params.text('tag') ?? '');
    if (command !== 'remove_all' && tags.length === 0)
      throw new UploadError('PARAM_INVALID', 'Missing required parameter - tag.');
    // Checked on its own too: `remove` of a malformed tag is a mistake, not a no-op.
    applyTagCommand([], 'replace', tags);
    return changeMany(ctx, target, params, (record) => ({ tags: applyTagCommand(record.tags, command, tags) }));
  },

  async context(ctx, target, params) {
    const command = params.text('command') ?? '';
    if (!isContextCommand(command))
      throw new UploadError('PARAM_INVALID', `command must be one of ${CONTEXT_COMMANDS.join(', ')}.`);
    const context = contextOf(params.text('context') ?? '');
    if (command === 'add' && Object.keys(context).length === 0)
      throw new UploadError('PARAM_INVALID', 'Missing required parameter - context.');
    return changeMany(ctx, target, params, (record) => ({
      context: applyContextCommand(record.context, command, context),
    }));
  },

  async explicit(ctx, target, params) {
    const publicId = requiredPublicId(params, 'public_id');
    const described = describedChange((name) => params.text(name));
    const moderation = parseModeration(params.text('moderation'));
    parseBoolean('invalidate', params.text('invalidate'));
    const record = await findAsset(ctx, target, params, publicId);
    await authorizeAssetCall(ctx, params.signedCall(), foldersOf(publicId, record));
    if (!record) throw notFound(publicId);
    const updated = await ctx.catalog.assets.update(record, (stored) => ({
      ...described(stored),
      // Cloudinary's explicit moderation queues the stored asset for review again.
      ...(moderation === 'manual' ? { status: 'pending' as const } : {}),
    }));
    if (!updated) throw notFound(publicId);
    return toUploadResponse(updated, jsonContext(ctx));
  },
};

/**
 * Tags and context: every public ID's folders are held to the grants (found or not, so a refusal says nothing about
 * what exists), every change is checked before the first is written, then each asset changes atomically.
 */
async function changeMany(
  ctx: ServerContext,
  target: CallTarget,
  params: CallParams,
  change: (record: AssetRecord) => Partial<Pick<AssetRecord, 'tags' | 'context'>>,
): Promise<{ public_ids: string[] }> {
  const publicIds = [...new Set(params.list('public_ids'))];
  if (publicIds.length === 0) throw new UploadError('PARAM_INVALID', 'Missing required parameter - public_ids.');
  if (publicIds.length > MAX_PUBLIC_IDS)
    throw new UploadError('PARAM_INVALID', `At most ${MAX_PUBLIC_IDS} public IDs per call.`);
  for (const publicId of publicIds) assertPublicId(publicId);
  const records = await Promise.all(publicIds.map((publicId) => findAsset(ctx, target, params, publicId)));
  const folders = publicIds.flatMap((publicId, index) => foldersOf(publicId, records[index] ?? null));
  await authorizeAssetCall(ctx, params.signedCall(), unique(folders));
  const found = records.filter((record): record is AssetRecord => record !== null);
  for (const record of found) change(record);
  const changed: string[] = [];
  for (const record of found) if (await ctx.catalog.assets.update(record, change)) changed.push(record.publicId);
  return { public_ids: changed };
}

async function deleteByToken(ctx: ServerContext, token: string | undefined): Promise<{ result: 'ok' }> {
  if (token === undefined) throw new UploadError('PARAM_INVALID', 'Missing required parameter - token.');
  const named = readDeleteToken(ctx.credentials.api_secret, token, nowSeconds(ctx));
  const record = await ctx.catalog.assets.get(named);
  // A replaced asset is another version: the old upload's token does not reach it.
  if (!record || record.versionId !== named.versionId) throw notFound(named.publicId);
  if (!(await deleteAsset(ctx, record))) throw notFound(named.publicId);
  return { result: 'ok' };
}

/** The asset a call names; none when `type` names another delivery type than `upload` (none exist here). */
async function findAsset(
  ctx: ServerContext,
  target: CallTarget,
  params: CallParams,
  publicId: string,
): Promise<AssetRecord | null> {
  const type = params.text('type') ?? 'upload';
  if (type !== 'upload') return null;
  const key: AssetKey = { ...target, publicId };
  return ctx.catalog.assets.get(key);
}

function requiredPublicId(params: CallParams, name: string): string {
  const publicId = params.text(name);
  if (publicId === undefined) throw new UploadError('PARAM_INVALID', `Missing required parameter - ${name}.`);
  assertPublicId(publicId);
  return publicId;
}

function assertPublicId(publicId: string): void {
  const verdict = checkPublicId(publicId);
  if (!verdict.ok) throw verdict.error;
}

function callTarget(ctx: ServerContext, cloud: string, resourceType: string): CallTarget {
  if (cloud !== ctx.credentials.cloud_name) throw unknownCloud(cloud);
  if (!isUploadResourceType(resourceType) || resourceType === 'auto')
    throw new UploadError('NOT_FOUND', `Unknown resource type "${resourceType.slice(0, 64)}".`);
  return { cloud, resourceType };
}

function unknownCloud(cloud: string): UploadError {
  return new UploadError('NOT_FOUND', `Unknown cloud "${cloud.slice(0, 64)}".`);
}

export function jsonContext(ctx: ServerContext): { publicUrl: string; apiKey: string; apiSecret: string } {
  return { publicUrl: ctx.publicUrl, apiKey: ctx.credentials.api_key, apiSecret: ctx.credentials.api_secret };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
