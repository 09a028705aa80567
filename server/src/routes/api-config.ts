/**
 * `GET /api/config`: what a demo page needs to know about this server. Public; never the secret.
 */
import type { ServerContext } from '../context.js';
import { sendJson } from '../http.js';
import type { Route } from '../router.js';

export interface PublicConfig {
  cloud_name: string;
  api_key: string;
  /** Base URL of the Upload API and of delivery URLs. */
  upload_url: string;
}

export function apiConfigRoute(ctx: ServerContext): Route {
  return {
    pattern: /^\/api\/config\/?$/,
    methods: ['GET', 'HEAD'],
    handle(_req, res) {
      const body: PublicConfig = {
        cloud_name: ctx.credentials.cloud_name,
        api_key: ctx.credentials.api_key,
        upload_url: ctx.publicUrl,
      };
      sendJson(res, 200, body, { 'Access-Control-Allow-Origin': '*' });
    },
  };
}
