/**
 * The admin API for upload presets (admin token required):
 *   GET    /api/admin/presets          → { presets: [...], default_preset }
 *   GET    /api/admin/presets/:name    → the preset
 *   PUT    /api/admin/presets/:name    → creates (201) or replaces (200) it with the JSON body; answers it stored
 *   DELETE /api/admin/presets/:name    → { message: "deleted" }; the default preset cannot be deleted
 * Presets named in the config file are written again on every start: there, the file wins.
 */
import type { Request, Router } from 'express';
import { UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { methodNotAllowed } from '../http/errors.js';
import { sendJson } from '../http/respond.js';
import { decodeSegment, groups, newRouter } from '../http/route.js';
import { PRESET_NAME, parsePreset, type UploadPreset } from '../presets/definition.js';

export interface PresetListJson {
  presets: UploadPreset[];
  default_preset: string | null;
}

const PRESET = /^\/presets\/([^/]+)\/?$/;

export function adminPresetRoutes(ctx: ServerContext): Router {
  const cloud = ctx.credentials.cloud_name;
  const router = newRouter();
  router
    .route('/presets')
    .get(async (_req, res) => {
      const body: PresetListJson = {
        presets: await ctx.catalog.presets.list(cloud),
        default_preset: ctx.config.defaultPreset,
      };
      sendJson(res, 200, body);
    })
    .all(methodNotAllowed(['GET', 'HEAD']));
  const nameOf = (req: Request): string => decodeSegment(groups(req, PRESET)[0] ?? '');
  const notFound = (name: string) => new UploadError('NOT_FOUND', `No upload preset "${name.slice(0, 64)}".`);
  router
    .route(PRESET)
    .get(async (req, res) => {
      const name = nameOf(req);
      const preset = PRESET_NAME.test(name) ? await ctx.catalog.presets.get(cloud, name) : null;
      if (!preset) throw notFound(name);
      sendJson(res, 200, preset);
    })
    .put(async (req, res) => {
      const name = nameOf(req);
      const preset = parsePreset(req.body, name);
      const created = await ctx.catalog.presets.put(cloud, preset);
      sendJson(res, created ? 201 : 200, preset);
    })
    .delete(async (req, res) => {
      const name = nameOf(req);
      if (!PRESET_NAME.test(name)) throw notFound(name);
      if (name === ctx.config.defaultPreset)
        throw new UploadError('PARAM_INVALID', `"${name}" is the default preset; change defaultPreset first.`);
      if (!(await ctx.catalog.presets.delete(cloud, name))) throw notFound(name);
      sendJson(res, 200, { message: 'deleted' });
    })
    .all(methodNotAllowed(['GET', 'HEAD', 'PUT', 'DELETE']));
  return router;
}
