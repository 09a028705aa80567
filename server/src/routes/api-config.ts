/**
 * `GET /api/config`: what a page needs to know about this server (see public-config.ts). Public; never the secret.
 */
import type { Router } from 'express';
import type { ServerContext } from '../context.js';
import { methodNotAllowed } from '../http/errors.js';
import { sendJson } from '../http/respond.js';
import { newRouter } from '../http/route.js';
import { presetLayers } from '../presets/store.js';
import { publicConfig } from '../public-config.js';

export function apiConfigRoutes(ctx: ServerContext): Router {
  const router = newRouter();
  router
    .route('/config')
    .get(async (_req, res) => {
      const { defaultPreset } = await presetLayers(ctx, undefined);
      sendJson(res, 200, publicConfig({ ...ctx, defaultPreset }));
    })
    .all(methodNotAllowed(['GET', 'HEAD', 'OPTIONS']));
  return router;
}
