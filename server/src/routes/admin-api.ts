/**
 * A subset of Cloudinary's Admin API, for the holder of the API key and secret (HTTP Basic, http/basic-auth.ts),
 * answering with Cloudinary's field names so the official SDKs' `api.*` calls work:
 *
 *   GET    /v1_1/:cloud/ping                                         {status: "ok"}
 *   GET    /v1_1/:cloud/usage                                        counts and bytes
 *   GET    /v1_1/:cloud/resources/:resource_type[/:type]             prefix, tags, context, moderations, direction,
 *                                                                    max_results (≤ 500), next_cursor
 *   GET    /v1_1/:cloud/resources/:resource_type/tags/:tag           the same, by tag (exact)
 *   GET    /v1_1/:cloud/resources/:resource_type/moderations/manual/:status
 *   GET    /v1_1/:cloud/resources/:resource_type/upload/:public_id   one asset, everything about it; `coordinates`
 *                                                                    adds {coordinates: {custom: [[x, y, w, h], …]}}
 *   POST   /v1_1/:cloud/resources/:resource_type/upload/:public_id   tags, context, moderation_status (approve/reject),
 *                                                                    custom_coordinates
 *   DELETE /v1_1/:cloud/resources/:resource_type/upload              public_ids[] (≤ 100), prefix, or all=true
 *   DELETE /v1_1/:cloud/resources/:resource_type/tags/:tag           by tag
 *   GET|POST /v1_1/:cloud/upload_presets, GET|PUT|DELETE /v1_1/:cloud/upload_presets/:name
 *
 * Every asset is of type `upload`: another type lists nothing and finds nothing. Deleting by prefix, tag or `all`
 * removes at most 1,000 assets per call and says `partial: true` with a `next_cursor` while more remain, as Cloudinary
 * does. Errors use the statuses the SDKs read.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Router } from 'express';
import { checkPublicId, checkTags, isUploadResourceType, type ResourceType, UploadError } from 'signet-upload/protocol';
import { deleteAsset, describedChange, notFound } from '../asset-changes.js';
import { coordinatesJson, deliveryUrl, type JsonContext } from '../asset-json.js';
import {
  ASSET_STATUSES,
  type AssetOrder,
  type AssetRecord,
  type AssetStatus,
  type ListQuery,
} from '../catalog/catalog.js';
import type { ServerContext } from '../context.js';
import { requireApiCredentials } from '../http/basic-auth.js';
import { cloudinaryStatuses, methodNotAllowed } from '../http/errors.js';
import { sendJson } from '../http/respond.js';
import { decodeSegment, groups, newRouter, requestUrl } from '../http/route.js';
import { readCallParams } from '../pipeline/call-body.js';
import { CallParams, parseBoolean } from '../pipeline/request.js';
import { presetFromForm, toCloudinaryPreset } from '../presets/cloudinary.js';
import { PRESET_NAME, parsePreset } from '../presets/definition.js';
import { jsonContext } from './upload-api.js';

const BASE = '\\/v1_1\\/([^/]+)';
const RT = '([^/]+)';
const route = (rest: string) => new RegExp(`^${BASE}${rest}\\/?$`);
const PING = route('\\/ping');
const USAGE = route('\\/usage(?:\\/[^/]+)?');
const BY_TAG = route(`\\/resources\\/${RT}\\/tags\\/([^/]+)`);
const BY_MODERATION = route(`\\/resources\\/${RT}\\/moderations\\/([^/]+)\\/([^/]+)`);
const ONE = route(`\\/resources\\/${RT}\\/upload\\/(.+)`);
const LIST = route(`\\/resources\\/${RT}(?:\\/([^/]+))?`);
const PRESETS = route('\\/upload_presets');
const PRESET = route('\\/upload_presets\\/([^/]+)');

const LIST_PARAMS = ['next_cursor', 'max_results', 'prefix', 'tags', 'context', 'moderations', 'direction'];
/**
 * What the SDKs' `api.resource` may send. Only `coordinates` changes the answer: nothing here detects faces or colours
 * or keeps metadata or versions, so those flags are accepted and answer nothing more.
 */
const RESOURCE_PARAMS = [
  'coordinates',
  'exif',
  'cinemagraph_analysis',
  'colors',
  'derived_next_cursor',
  'faces',
  'image_metadata',
  'media_metadata',
  'pages',
  'phash',
  'max_results',
  'versions',
  'accessibility_analysis',
  'related',
  'related_next_cursor',
  'quality_analysis',
];
const DEFAULT_RESULTS = 10;
const MAX_RESULTS = 500;
const MAX_DELETE_IDS = 100;
const DELETE_BATCH = 1000;

export function adminApiRoutes(ctx: ServerContext): Router {
  const router = newRouter();
  const guard = [cloudinaryStatuses, requireApiCredentials(ctx)];
  const cloudOf = (req: Request, pattern: RegExp): void => {
    if (decodeSegment(groups(req, pattern)[0] ?? '') !== ctx.credentials.cloud_name)
      throw new UploadError('NOT_FOUND', 'Unknown cloud.');
  };

  router
    .route(PING)
    .all(...guard)
    .get((req, res) => {
      cloudOf(req, PING);
      sendJson(res, 200, { status: 'ok' });
    })
    .all(methodNotAllowed(['GET']));

  router
    .route(USAGE)
    .all(...guard)
    .get(async (req, res) => {
      cloudOf(req, USAGE);
      sendJson(res, 200, await usage(ctx));
    })
    .all(methodNotAllowed(['GET']));

  router
    .route(BY_TAG)
    .all(...guard)
    .get(async (req, res) => {
      const [, rt = '', tag = ''] = groups(req, BY_TAG);
      cloudOf(req, BY_TAG);
      const exact = decodeSegment(tag);
      assertTag(exact);
      sendJson(res, 200, await listing(ctx, req, { resourceType: resourceType(rt), tag: exact }));
    })
    .delete(async (req, res) => {
      const [, rt = '', tag = ''] = groups(req, BY_TAG);
      cloudOf(req, BY_TAG);
      const exact = decodeSegment(tag);
      assertTag(exact);
      const params = await deleteParams(ctx, req);
      sendJson(res, 200, await deleteMatching(ctx, { resourceType: resourceType(rt), tag: exact }, params));
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  router
    .route(BY_MODERATION)
    .all(...guard)
    .get(async (req, res) => {
      const [, rt = '', kind = '', status = ''] = groups(req, BY_MODERATION);
      cloudOf(req, BY_MODERATION);
      if (decodeSegment(kind) !== 'manual')
        throw new UploadError('PARAM_INVALID', 'Only manual moderation exists here: resources/…/moderations/manual/…');
      const wanted = decodeSegment(status);
      if (!['pending', 'approved', 'rejected'].includes(wanted))
        throw new UploadError('PARAM_INVALID', 'The moderation status is pending, approved or rejected.');
      const found = await listing(ctx, req, { resourceType: resourceType(rt), status: [wanted as AssetStatus] });
      sendJson(res, 200, found);
    })
    .all(methodNotAllowed(['GET']));

  router
    .route(ONE)
    .all(...guard)
    .get(async (req, res) => {
      cloudOf(req, ONE);
      const params = new CallParams(RESOURCE_PARAMS, { signed: false });
      await readCallParams(ctx, req, requestUrl(req), params);
      params.assertKnown();
      const coordinates = parseBoolean('coordinates', params.text('coordinates')) ?? false;
      const record = await oneAsset(ctx, req);
      sendJson(res, 200, resourceJson(record, jsonContext(ctx), { ...ALL_DETAILS, coordinates }, true));
    })
    .post(async (req, res) => {
      cloudOf(req, ONE);
      const record = await oneAsset(ctx, req);
      const params = new CallParams(['tags', 'context', 'moderation_status', 'custom_coordinates']);
      await readCallParams(ctx, req, new URL('http://x/'), params);
      params.assertKnown();
      sendJson(res, 200, resourceJson(await updateAsset(ctx, record, params), jsonContext(ctx), ALL_DETAILS, true));
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router
    .route(LIST)
    .all(...guard)
    .get(async (req, res) => {
      const [, rt = '', type = ''] = groups(req, LIST);
      cloudOf(req, LIST);
      const deliveryType = type === '' ? 'upload' : decodeSegment(type);
      sendJson(res, 200, await listing(ctx, req, { resourceType: resourceType(rt) }, deliveryType !== 'upload'));
    })
    .delete(async (req, res) => {
      const [, rt = '', type = ''] = groups(req, LIST);
      cloudOf(req, LIST);
      if (type === '' || decodeSegment(type) !== 'upload')
        throw new UploadError('NOT_FOUND', 'Only resources of type upload exist here.');
      const params = await deleteParams(ctx, req);
      const target = resourceType(rt);
      const ids = params.list('public_ids');
      const prefix = params.text('prefix');
      const all = parseBoolean('all', params.text('all')) === true;
      if ([ids.length > 0, prefix !== undefined, all].filter(Boolean).length !== 1)
        throw new UploadError('PARAM_INVALID', 'Delete by exactly one of public_ids, prefix or all=true.');
      if (ids.length > 0) sendJson(res, 200, await deleteIds(ctx, target, ids));
      else sendJson(res, 200, await deleteMatching(ctx, { resourceType: target, prefix }, params));
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  router
    .route(PRESETS)
    .all(...guard)
    .get(async (req, res) => {
      cloudOf(req, PRESETS);
      const presets = await ctx.catalog.presets.list(ctx.credentials.cloud_name);
      sendJson(res, 200, { presets: presets.map(toCloudinaryPreset) });
    })
    .post(async (req, res) => {
      cloudOf(req, PRESETS);
      const fields = await formFields(ctx, req);
      // Cloudinary names a preset itself when the request does not.
      const name = fields.name ?? randomBytes(6).toString('hex');
      if (!PRESET_NAME.test(name))
        throw new UploadError('PARAM_INVALID', 'A preset name uses 1–64 letters, digits, "_" and "-".');
      if (await ctx.catalog.presets.get(ctx.credentials.cloud_name, name))
        throw new UploadError('PARAM_INVALID', `Upload preset ${name} already exists.`);
      await ctx.catalog.presets.put(ctx.credentials.cloud_name, parsePreset(presetFromForm(fields), name));
      sendJson(res, 200, { message: 'created', name });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router
    .route(PRESET)
    .all(...guard)
    .get(async (req, res) => {
      cloudOf(req, PRESET);
      sendJson(res, 200, toCloudinaryPreset(await existingPreset(ctx, req)));
    })
    .put(async (req, res) => {
      cloudOf(req, PRESET);
      const current = await existingPreset(ctx, req);
      // Cloudinary's update changes the settings it is sent and keeps the others.
      const { name, ...kept } = current;
      const merged = { ...kept, ...presetFromForm(await formFields(ctx, req)) };
      await ctx.catalog.presets.put(ctx.credentials.cloud_name, parsePreset(merged, name));
      sendJson(res, 200, { message: 'updated' });
    })
    .delete(async (req, res) => {
      cloudOf(req, PRESET);
      const { name } = await existingPreset(ctx, req);
      if (name === ctx.config.defaultPreset)
        throw new UploadError('PARAM_INVALID', `"${name}" is the default preset; change defaultPreset first.`);
      await ctx.catalog.presets.delete(ctx.credentials.cloud_name, name);
      sendJson(res, 200, { message: 'deleted' });
    })
    .all(methodNotAllowed(['GET', 'PUT', 'DELETE']));

  return router;
}

/** Which optional parts a resource's JSON carries (Cloudinary's `tags`, `context`, `moderations`, `coordinates`). */
interface Details {
  tags: boolean;
  context: boolean;
  moderations: boolean;
  coordinates: boolean;
}
const ALL_DETAILS: Details = { tags: true, context: true, moderations: true, coordinates: true };

/** An asset in Cloudinary's Admin API JSON; `full` for `GET resources/…/upload/:public_id`. */
function resourceJson(record: AssetRecord, json: JsonContext, details: Details, full = false): Record<string, unknown> {
  const url = deliveryUrl(json.publicUrl, record);
  const moderated = record.status !== 'active';
  return {
    asset_id: record.assetId,
    public_id: record.publicId,
    format: record.format,
    version: record.version,
    resource_type: record.resourceType,
    type: 'upload',
    created_at: record.createdAt,
    bytes: record.bytes,
    ...(record.width !== null && record.height !== null ? { width: record.width, height: record.height } : {}),
    folder: record.folder,
    asset_folder: record.assetFolder,
    display_name: record.displayName,
    url,
    secure_url: url,
    ...(details.tags ? { tags: record.tags } : {}),
    ...(details.context && Object.keys(record.context).length > 0 ? { context: { custom: record.context } } : {}),
    ...(details.coordinates ? coordinatesJson(record) : {}),
    ...(details.moderations && moderated
      ? { moderation_status: record.status, moderation: [{ kind: 'manual', status: record.status }] }
      : {}),
    ...(full
      ? {
          version_id: record.versionId,
          original_filename: record.originalFilename,
          etag: record.etag,
          placeholder: false,
          access_mode: 'public',
          derived: [],
        }
      : {}),
  };
}

/** One page of a listing, from the query string's Cloudinary parameters. */
async function listing(
  ctx: ServerContext,
  req: Request,
  filter: Pick<ListQuery, 'resourceType' | 'tag' | 'status'>,
  nothing = false,
): Promise<{ resources: Record<string, unknown>[]; next_cursor?: string }> {
  const params = new CallParams(LIST_PARAMS, { signed: false });
  await readCallParams(ctx, req, requestUrl(req), params);
  params.assertKnown();
  const limitText = params.text('max_results');
  if (limitText !== undefined && !/^\d{1,4}$/.test(limitText))
    throw new UploadError('PARAM_INVALID', `max_results must be a number from 1 to ${MAX_RESULTS}.`);
  const limit = Math.min(Math.max(Number(limitText ?? DEFAULT_RESULTS), 1), MAX_RESULTS);
  const direction = params.text('direction') ?? 'desc';
  const order: AssetOrder = {
    by: 'published',
    direction: ['asc', '1', 'ascending'].includes(direction) ? 'asc' : 'desc',
  };
  if (!['asc', 'desc', '1', '-1', 'ascending', 'descending'].includes(direction))
    throw new UploadError('PARAM_INVALID', 'direction must be asc or desc.');
  const details: Details = {
    tags: parseBoolean('tags', params.text('tags')) ?? false,
    context: parseBoolean('context', params.text('context')) ?? false,
    moderations: parseBoolean('moderations', params.text('moderations')) ?? filter.status !== undefined,
    coordinates: false,
  };
  const prefix = params.text('prefix');
  if (nothing) return { resources: [] };
  const page = await ctx.catalog.assets.list({
    cloud: ctx.credentials.cloud_name,
    ...filter,
    ...(prefix === undefined ? {} : { prefix }),
    cursor: params.text('next_cursor'),
    limit,
    order,
  });
  const json = jsonContext(ctx);
  return {
    resources: page.records.map((record) => resourceJson(record, json, details)),
    ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
  };
}

async function oneAsset(ctx: ServerContext, req: Request): Promise<AssetRecord> {
  const [, rt = '', rest = ''] = groups(req, ONE);
  // The SDKs encode the public ID as one segment (`a%2Fb`); a client may also send it as a path.
  const publicId = rest.split('/').map(decodeSegment).join('/');
  const verdict = checkPublicId(publicId);
  if (!verdict.ok) throw notFound(publicId);
  const record = await ctx.catalog.assets.get({
    cloud: ctx.credentials.cloud_name,
    resourceType: resourceType(rt),
    publicId,
  });
  if (!record) throw notFound(publicId);
  return record;
}

/** `api.update`: tags, context and custom_coordinates (each replaced), moderation_status (approved/rejected/pending). */
async function updateAsset(ctx: ServerContext, record: AssetRecord, params: CallParams): Promise<AssetRecord> {
  const described = describedChange((name) => params.text(name));
  const statusText = params.text('moderation_status');
  if (statusText !== undefined && !(ASSET_STATUSES as readonly string[]).includes(statusText))
    throw new UploadError('PARAM_INVALID', 'moderation_status must be approved, rejected or pending.');
  const updated = await ctx.catalog.assets.update(record, (stored) => ({
    ...described(stored),
    ...(statusText ? { status: statusText as AssetStatus } : {}),
  }));
  if (!updated) throw notFound(record.publicId);
  return updated;
}

async function deleteParams(ctx: ServerContext, req: Request): Promise<CallParams> {
  const params = new CallParams(['prefix', 'all', 'next_cursor', 'keep_original', 'invalidate'], {
    lists: ['public_ids'],
    signed: false,
  });
  await readCallParams(ctx, req, requestUrl(req), params);
  params.assertKnown();
  for (const flag of ['keep_original', 'invalidate']) parseBoolean(flag, params.text(flag));
  return params;
}

interface DeleteAnswer {
  deleted: Record<string, 'deleted' | 'not_found'>;
  deleted_counts: Record<string, { original: number; derived: number }>;
  partial: boolean;
  next_cursor?: string;
}

async function deleteIds(
  ctx: ServerContext,
  resourceType: ResourceType,
  ids: readonly string[],
): Promise<DeleteAnswer> {
  if (ids.length > MAX_DELETE_IDS)
    throw new UploadError('PARAM_INVALID', `At most ${MAX_DELETE_IDS} public IDs per call.`);
  const answer: DeleteAnswer = { deleted: {}, deleted_counts: {}, partial: false };
  for (const publicId of new Set(ids)) {
    const removed = checkPublicId(publicId).ok
      ? await deleteAsset(ctx, { cloud: ctx.credentials.cloud_name, resourceType, publicId })
      : null;
    answer.deleted[publicId] = removed ? 'deleted' : 'not_found';
    if (removed) answer.deleted_counts[publicId] = { original: 1, derived: 0 };
  }
  return answer;
}

async function deleteMatching(
  ctx: ServerContext,
  filter: Pick<ListQuery, 'resourceType' | 'tag' | 'prefix'>,
  params: CallParams,
): Promise<DeleteAnswer> {
  const page = await ctx.catalog.assets.list({
    cloud: ctx.credentials.cloud_name,
    ...filter,
    cursor: params.text('next_cursor'),
    limit: DELETE_BATCH,
  });
  const answer: DeleteAnswer = { deleted: {}, deleted_counts: {}, partial: page.nextCursor !== undefined };
  for (const record of page.records) {
    if (!(await deleteAsset(ctx, record))) continue;
    answer.deleted[record.publicId] = 'deleted';
    answer.deleted_counts[record.publicId] = { original: 1, derived: 0 };
  }
  if (page.nextCursor) answer.next_cursor = page.nextCursor;
  return answer;
}

async function usage(ctx: ServerContext): Promise<Record<string, unknown>> {
  const counts = await ctx.catalog.assets.usage(ctx.credentials.cloud_name);
  const now = new Date(ctx.now());
  const total = (key: 'count' | 'bytes') => counts.reduce((sum, entry) => sum + entry[key], 0);
  const limit = ctx.config.limits.maxFileSize;
  return {
    plan: 'Signet',
    last_updated: now.toISOString().slice(0, 10),
    date_requested: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    resources: total('count'),
    derived_resources: 0,
    objects: { usage: total('count') },
    storage: { usage: total('bytes') },
    // Ours, beside Cloudinary's fields: the same counts per resource type.
    resources_by_type: Object.fromEntries(
      counts.map((entry) => [entry.resourceType, { count: entry.count, bytes: entry.bytes }]),
    ),
    media_limits: { image_max_size_bytes: limit, video_max_size_bytes: limit, raw_max_size_bytes: limit },
  };
}

/** The form fields of a preset call, each once. */
async function formFields(ctx: ServerContext, req: Request): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  await readCallParams(ctx, req, new URL('http://x/'), {
    add(name, value) {
      if (Object.hasOwn(fields, name))
        throw new UploadError('PARAM_DUPLICATE', `The parameter "${name.slice(0, 64)}" was sent more than once.`);
      fields[name] = value;
    },
  });
  return fields;
}

async function existingPreset(ctx: ServerContext, req: Request) {
  const name = decodeSegment(groups(req, PRESET)[1] ?? '');
  const preset = PRESET_NAME.test(name) ? await ctx.catalog.presets.get(ctx.credentials.cloud_name, name) : null;
  if (!preset) throw new UploadError('NOT_FOUND', `Upload preset not found: "${name.slice(0, 64)}".`);
  return preset;
}

function resourceType(segment: string): ResourceType {
  const value = decodeSegment(segment);
  if (!isUploadResourceType(value) || value === 'auto')
    throw new UploadError('NOT_FOUND', `Unknown resource type "${value.slice(0, 64)}".`);
  return value;
}

function assertTag(tag: string): void {
  const verdict = checkTags([tag]);
  if (!verdict.ok) throw verdict.error;
}
