/**
 * Static files (the demo page) from one folder at `/`. Paths are resolved, then checked against the folder's real
 * path, so `..`, encoded separators and symlinks can never leave it; dot-files are never served.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { OutgoingHttpHeaders } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Router } from 'express';
import { UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { decodeSegment, newRouter } from '../http/route.js';
import { staticContentType } from '../mime.js';

export const DEMO_COOKIE = 'signet_token';

export function staticRoutes(ctx: ServerContext, root: string): Router {
  const rootPath = resolve(root);
  const router = newRouter();
  router.get(/^\/.*$/, async (req, res) => {
    const file = await resolveFile(rootPath, req.path);
    const headers: OutgoingHttpHeaders = {
      'Content-Type': staticContentType(file.path),
      'Content-Length': file.size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    };
    // The demo page signs with this cookie; SameSite=Strict keeps other sites' requests from carrying it.
    if (ctx.demoToken && file.path.endsWith('.html'))
      headers['Set-Cookie'] = `${DEMO_COOKIE}=${ctx.demoToken}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(createReadStream(file.path), res).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    });
  });
  return router;
}

async function resolveFile(root: string, pathname: string): Promise<{ path: string; size: number }> {
  const notFound = new UploadError('NOT_FOUND', 'Not found.');
  const segments = pathname.split('/').map(decodeSegment);
  if (segments.some((segment) => segment.startsWith('.') || /[\\/\0]/.test(segment))) throw notFound;
  let path = resolve(root, ...segments);
  if (path !== root && !path.startsWith(root + sep)) throw notFound;
  try {
    if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
    const [real, realRoot] = await Promise.all([realpath(path), realpath(root)]);
    if (!real.startsWith(realRoot + sep)) throw notFound;
    const info = await stat(real);
    if (!info.isFile()) throw notFound;
    return { path: real, size: info.size };
  } catch (error) {
    if (error instanceof UploadError) throw error;
    throw notFound;
  }
}
