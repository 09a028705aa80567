/**
 * The reference server's HTTP surface, on Express 5. Cross-cutting concerns are middleware, applied here once per
 * group of routes; routes (routes/*.ts) only do their own work.
 *
 *   /v1_1/…            Cloudinary's Upload API          public CORS, SDK-readable statuses, the signature decides
 *                      and its Admin API subset          HTTP Basic with the API key and secret, no CORS
 *   /<cloud>/…/upload  delivery                          public CORS
 *   /api/admin/…       the admin API                     admin token, JSON bodies
 *   /api/…             the page API (sign, library, S3)  page CORS, caller identity, CSRF by credential
 *   /companion/…       remote sources (Uppy Companion)   its own guards (companion/mount.ts)
 *   /…                 the demo's static files
 * Every error, from any of them, is rendered by `renderError`.
 */
import express, { type Express } from 'express';
import type { CompanionHost } from '../companion/mount.js';
import type { ServerContext } from '../context.js';
import { adminApiRoutes } from '../routes/admin-api.js';
import { adminAssetRoutes } from '../routes/admin-assets.js';
import { adminPresetRoutes } from '../routes/admin-presets.js';
import { adminUserRoutes } from '../routes/admin-users.js';
import { apiConfigRoutes } from '../routes/api-config.js';
import { assetsRoutes } from '../routes/assets.js';
import { deliveryRoutes } from '../routes/delivery.js';
import { echoRoutes } from '../routes/echo.js';
import { foldersRoutes } from '../routes/folders.js';
import { meRoutes } from '../routes/me.js';
import { s3Routes } from '../routes/s3.js';
import { signRoutes } from '../routes/sign.js';
import { staticRoutes } from '../routes/static.js';
import { uploadRoutes } from '../routes/upload.js';
import { uploadApiRoutes } from '../routes/upload-api.js';
import type { DirectUploads } from '../s3/direct.js';
import { requireAdminToken } from './admin.js';
import { identify } from './caller.js';
import { pageCors } from './cors.js';
import { csrfGuard } from './csrf.js';
import { notFound, renderError } from './errors.js';
import { hostCheck } from './host.js';
import { jsonBody } from './json.js';

export interface AppParts {
  companion: CompanionHost | null;
  direct: DirectUploads | null;
  staticDir: string | null;
}

export function createApp(ctx: ServerContext, parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('case sensitive routing', true);
  app.set('trust proxy', ctx.config.server.trustProxy);

  app.use(hostCheck(ctx));
  app.use(uploadRoutes(ctx));
  app.use(uploadApiRoutes(ctx));
  app.use(adminApiRoutes(ctx));
  app.use(deliveryRoutes(ctx));
  app.use('/api/admin', requireAdminToken(ctx), ...jsonBody(ctx), [
    adminPresetRoutes(ctx),
    adminAssetRoutes(ctx),
    adminUserRoutes(ctx),
  ]);
  app.use(
    '/api',
    pageCors(ctx, {
      methods: ['GET', 'HEAD', 'POST'],
      headers: ['Content-Type', 'Authorization'],
      expose: ['Retry-After'],
    }),
    identify(ctx),
    csrfGuard(ctx),
    [
      signRoutes(ctx),
      meRoutes(ctx),
      foldersRoutes(ctx),
      assetsRoutes(ctx),
      apiConfigRoutes(ctx),
      ...(parts.direct ? [s3Routes(ctx, parts.direct)] : []),
    ],
  );
  if (parts.companion) app.use('/companion', parts.companion.router);
  app.use(echoRoutes(ctx)); // POST /demo/echo: the demo form's action; answers its fields, stores nothing
  if (parts.staticDir) app.use(staticRoutes(ctx, parts.staticDir));
  app.use(notFound);
  app.use(renderError(ctx.log));
  return app;
}
