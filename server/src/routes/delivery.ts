/**
 * `GET|HEAD /:cloud/:resource_type/upload/[v<version>/]<public id>[.<format>]`: the bytes of an asset, with
 * validators, byte ranges and headers that stop a browser from treating an upload as a page of this origin.
 * Moderation: a rejected asset is not found; a pending one is delivered like on Cloudinary (unless
 * `assets.deliverPending` is off) but never cached without revalidation, so a later rejection takes effect.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Router } from 'express';
import type { ResourceType } from 'signet-upload/protocol';
import { UploadError } from 'signet-upload/protocol';
import type { AssetRecord } from '../catalog/catalog.js';
import type { ServerContext } from '../context.js';
import { publicCors } from '../http/cors.js';
import { methodNotAllowed } from '../http/errors.js';
import { header } from '../http/respond.js';
import { decodeSegment, groups, newRouter } from '../http/route.js';
import { assetContentType } from '../mime.js';
import type { ByteRange } from '../stores/store.js';
import { isActiveFormat } from '../validate/formats.js';

const DELIVERY = /^\/([^/]+)\/(image|video|raw)\/upload\/(.+)$/;

export function deliveryRoutes(ctx: ServerContext): Router {
  const router = newRouter();
  router
    .route(DELIVERY)
    .all(publicCors({ methods: ['GET', 'HEAD'], headers: ['Range', 'If-None-Match'] }))
    .get(async (req, res) => {
      const { record, versioned } = await findAsset(ctx, groups(req, DELIVERY));
      await deliver(ctx, req, res, record, versioned);
    })
    .all(methodNotAllowed(['GET', 'HEAD', 'OPTIONS']));
  return router;
}

async function findAsset(
  ctx: ServerContext,
  [cloudSegment = '', type = '', rest = '']: string[],
): Promise<{ record: AssetRecord; versioned: boolean }> {
  const notFound = new UploadError('NOT_FOUND', 'Resource not found.');
  const cloud = decodeSegment(cloudSegment);
  const resourceType = type as ResourceType;
  if (cloud !== ctx.credentials.cloud_name) throw notFound;
  const segments = rest.split('/').map(decodeSegment);
  const versioned = segments.length > 1 ? /^v(\d{1,12})$/.exec(segments[0] ?? '') : null;
  if (versioned) segments.shift();
  const path = segments.join('/');

  // The whole path may be the public ID (raw files, or an image asked for without its format)...
  let record = await ctx.catalog.assets.get({ cloud, resourceType, publicId: path });
  // ...else the last `.x` is the format, which must be the stored one (no conversions here).
  const dot = path.lastIndexOf('.');
  if (!record && resourceType !== 'raw' && dot > path.lastIndexOf('/') + 1) {
    const found = await ctx.catalog.assets.get({ cloud, resourceType, publicId: path.slice(0, dot) });
    if (found && found.format === path.slice(dot + 1)) record = found;
  }
  if (!record || (versioned && Number(versioned[1]) !== record.version)) throw notFound;
  if (record.status === 'rejected' || (record.status === 'pending' && !ctx.config.assets.deliverPending))
    throw notFound;
  return { record, versioned: versioned !== null };
}

async function deliver(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  record: AssetRecord,
  versioned: boolean,
): Promise<void> {
  const etag = `"${record.etag}"`;
  const active = isActiveFormat(record.format);
  const headers: OutgoingHttpHeaders = {
    'Content-Type': active ? 'application/octet-stream' : assetContentType(record.format),
    'X-Content-Type-Options': 'nosniff',
    ETag: etag,
    // A versioned URL names bytes that never change; an unversioned one may be overwritten; a pending one rejected.
    'Cache-Control':
      record.status === 'pending'
        ? 'no-cache'
        : versioned
          ? 'public, max-age=31536000, immutable'
          : 'public, max-age=0, must-revalidate',
    'Accept-Ranges': 'bytes',
    // Uploaded bytes are never a document of this origin (the signing page lives here too).
    ...(active
      ? // Active content a preset let in (HTML, SVG, scripts) is only ever a download, never rendered here.
        {
          'Content-Disposition': attachment(record.publicId),
          'Content-Security-Policy': "default-src 'none'; sandbox",
        }
      : record.format === 'pdf'
        ? {}
        : {
            'Content-Security-Policy':
              "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
          }),
  };

  if (matchesEtag(header(req, 'if-none-match'), etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const size = record.bytes;
  const ifRange = header(req, 'if-range');
  const range = ifRange && ifRange !== etag ? 'full' : parseRange(header(req, 'range'), size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  const partial = range !== 'full';
  const length = partial ? range.end - range.start + 1 : size;
  const body =
    req.method === 'HEAD' || length === 0 ? null : await ctx.store.open(record.storageKey, partial ? range : undefined);
  res.writeHead(partial ? 206 : 200, {
    ...headers,
    'Content-Length': length,
    ...(partial ? { 'Content-Range': `bytes ${range.start}-${range.end}/${size}` } : {}),
  });
  if (!body) {
    res.end();
    return;
  }
  await pipeline(body, res).catch((error: unknown) => {
    // A client that goes away mid-download is normal, not a server error.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  });
}

/** `attachment` with the public ID's last segment as the file name (public IDs are ASCII letters, digits, `_.-`). */
function attachment(publicId: string): string {
  const name = publicId.slice(publicId.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9_.-]/g, '_');
  return name ? `attachment; filename="${name}"` : 'attachment';
}

/**
 * One `bytes=` range, clamped to the size. Multiple ranges and syntax we do not know are ignored (the full body
 * is a valid answer to any Range); a range starting past the end is unsatisfiable.
 */
export function parseRange(value: string, size: number): ByteRange | 'full' | 'unsatisfiable' {
  const match = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'full';
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return 'full';
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

function matchesEtag(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch === '') return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}
