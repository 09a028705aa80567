/**
 * `POST /v1_1/:cloud/:resource_type/upload`: Cloudinary's Upload API, single requests and chunked ones.
 * Any origin may call it (the signature is the authorisation; no cookies are involved).
 */
import type { ServerResponse } from 'node:http';
import { isUploadResourceType, UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { header, sendJson } from '../http.js';
import { ingestChunk } from '../ingest/chunked.js';
import { ingestSingle, type UploadTarget } from '../ingest/single.js';
import { decodeSegment, type Route } from '../router.js';

export function uploadRoute(ctx: ServerContext): Route {
  return {
    pattern: /^\/v1_1\/([^/]+)\/([^/]+)\/upload\/?$/,
    methods: ['POST', 'OPTIONS'],
    async handle(req, res, match, url) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      if (req.method === 'OPTIONS') return preflight(res);
      const target = uploadTarget(ctx, decodeSegment(match[1] ?? ''), decodeSegment(match[2] ?? ''));
      const uploadId = header(req, 'x-unique-upload-id');
      const contentRange = header(req, 'content-range');
      const body =
        uploadId || contentRange
          ? await ingestChunk(ctx, req, url, target, { uploadId, contentRange })
          : await ingestSingle(ctx, req, url, target);
      sendJson(res, 200, body);
    },
  };
}

function uploadTarget(ctx: ServerContext, cloud: string, resourceType: string): UploadTarget {
  if (cloud !== ctx.credentials.cloud_name)
    throw new UploadError('NOT_FOUND', `Unknown cloud "${cloud.slice(0, 64)}".`);
  if (!isUploadResourceType(resourceType))
    throw new UploadError('NOT_FOUND', `Unknown resource type "${resourceType.slice(0, 64)}".`);
  return { cloud, resourceType };
}

function preflight(res: ServerResponse): void {
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type, X-Unique-Upload-Id, Content-Range, X-Requested-With',
    'Access-Control-Max-Age': '600',
  });
  res.end();
}
