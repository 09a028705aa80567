/**
 * The admin API for upload presets (admin token required):
 *   GET    /api/admin/presets          → { presets: [...], default_preset }
 *   GET    /api/admin/presets/:name    → the preset
 *   PUT    /api/admin/presets/:name    → creates (201) or replaces (200) it with the JSON body; answers it stored
 *   DELETE /api/admin/presets/:name    → { message: "deleted" }; the default preset cannot be deleted
 * Presets named in the config file are written again on every start: there, the file wins.
 */
import { UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { sendJson } from '../http.js';
import { PRESET_NAME, parsePreset, type UploadPreset } from '../presets/definition.js';
import { decodeSegment, type Route } from '../router.js';
import { readJson, requireAdmin } from './admin-auth.js';

export interface PresetListJson {
  presets: UploadPreset[];
  default_preset: string | null;
}

export function adminPresetsRoute(ctx: ServerContext): Route {
  return {
    pattern: /^\/api\/admin\/presets\/?$/,
    methods: ['GET', 'HEAD'],
    async handle(req, res) {
      requireAdmin(ctx, req);
      const body: PresetListJson = {
        presets: await ctx.catalog.presets.list(ctx.credentials.cloud_name),
        default_preset: ctx.config.defaultPreset,
      };
      sendJson(res, 200, body);
    },
  };
}

export function adminPresetRoute(ctx: ServerContext): Route {
  const cloud = ctx.credentials.cloud_name;
  return {
    pattern: /^\/api\/admin\/presets\/([^/]+)\/?$/,
    methods: ['GET', 'HEAD', 'PUT', 'DELETE'],
    async handle(req, res, match) {
      requireAdmin(ctx, req);
      const name = decodeSegment(match[1] ?? '');
      const notFound = new UploadError('NOT_FOUND', `No upload preset "${name.slice(0, 64)}".`);
      if (req.method === 'PUT') {
        const preset = parsePreset(await readJson(ctx, req), name);
        const created = await ctx.catalog.presets.put(cloud, preset);
        sendJson(res, created ? 201 : 200, preset);
        return;
      }
      if (!PRESET_NAME.test(name)) throw notFound;
      if (req.method === 'DELETE') {
        if (name === ctx.config.defaultPreset)
          throw new UploadError('PARAM_INVALID', `"${name}" is the default preset; change defaultPreset first.`);
        if (!(await ctx.catalog.presets.delete(cloud, name))) throw notFound;
        sendJson(res, 200, { message: 'deleted' });
        return;
      }
      const preset = await ctx.catalog.presets.get(cloud, name);
      if (!preset) throw notFound;
      sendJson(res, 200, preset);
    },
  };
}
