/**
 * `POST /v1_1/:cloud/:resource_type/upload`: Cloudinary's Upload API, single requests and chunked ones; `GET` with
 * `X-Unique-Upload-Id` and the chunks' parameters in the query: what a chunked upload already holds. Any origin
 * may call it (the signature is the authorisation; no cookies are involved); errors use the statuses the official
 * SDKs read (http/errors.ts).
 */
import type { Router } from 'express';
import { isUploadResourceType, UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { publicCors } from '../http/cors.js';
import { cloudinaryStatuses, methodNotAllowed } from '../http/errors.js';
import { header, sendJson } from '../http/respond.js';
import { decodeSegment, groups, newRouter, requestUrl } from '../http/route.js';
import { chunkStatus, ingestChunk } from '../pipeline/chunked.js';
import type { UploadTarget } from '../pipeline/finalize.js';
import { ingestSingle } from '../pipeline/single.js';

const UPLOAD = /^\/v1_1\/([^/]+)\/([^/]+)\/upload\/?$/;

export function uploadRoutes(ctx: ServerContext): Router {
  const router = newRouter();
  router
    .route(UPLOAD)
    .all(
      publicCors({
        methods: ['GET', 'POST'],
        headers: ['Content-Type', 'X-Unique-Upload-Id', 'Content-Range', 'X-Requested-With'],
        expose: ['Retry-After'],
      }),
      cloudinaryStatuses,
    )
    .post(async (req, res) => {
      const [cloud = '', resourceType = ''] = groups(req, UPLOAD);
      const target = uploadTarget(ctx, decodeSegment(cloud), decodeSegment(resourceType));
      const uploadId = header(req, 'x-unique-upload-id');
      const contentRange = header(req, 'content-range');
      const url = requestUrl(req);
      const body =
        uploadId || contentRange
          ? await ingestChunk(ctx, req, url, target, { uploadId, contentRange })
          : await ingestSingle(ctx, req, url, target);
      sendJson(res, 200, body);
    })
    // What a chunked upload already holds, for its owner only (pipeline/chunked.ts).
    .get(async (req, res) => {
      const [cloud = '', resourceType = ''] = groups(req, UPLOAD);
      const target = uploadTarget(ctx, decodeSegment(cloud), decodeSegment(resourceType));
      const uploadId = header(req, 'x-unique-upload-id');
      sendJson(res, 200, await chunkStatus(ctx, req, requestUrl(req), { uploadId }, target));
    })
    .all(methodNotAllowed(['GET', 'POST', 'OPTIONS']));
  return router;
}

function uploadTarget(ctx: ServerContext, cloud: string, resourceType: string): UploadTarget {
  if (cloud !== ctx.credentials.cloud_name)
    throw new UploadError('NOT_FOUND', `Unknown cloud "${cloud.slice(0, 64)}".`);
  if (!isUploadResourceType(resourceType))
    throw new UploadError('NOT_FOUND', `Unknown resource type "${resourceType.slice(0, 64)}".`);
  return { cloud, resourceType };
}
