/**
 * CORS, decided once per group of routes (http/app.ts), never inside a route.
 *   public  the Cloudinary-protocol routes and delivery: any origin, never with credentials (the signature, or
 *           nothing, is the authorisation)
 *   page    the API a signed-in page calls: configured origins get credentialed answers (cookies); any other
 *           origin may still call with a bearer token, which no browser sends on its own
 * A preflight (OPTIONS) is answered here and goes no further.
 */
import type { RequestHandler } from 'express';
import type { ServerContext } from '../context.js';
import { header } from './respond.js';

export interface CorsRules {
  methods: readonly string[];
  headers: readonly string[];
  /** Response headers a page may read (e.g. Retry-After). */
  expose?: readonly string[];
}

const MAX_AGE = '600';

export function publicCors(rules: CorsRules): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (rules.expose?.length) res.setHeader('Access-Control-Expose-Headers', rules.expose.join(', '));
    if (req.method === 'OPTIONS') return preflight(res, rules);
    next();
  };
}

export function pageCors(ctx: Pick<ServerContext, 'config'>, rules: CorsRules): RequestHandler {
  return (req, res, next) => {
    const origin = header(req, 'origin');
    res.setHeader('Vary', 'Origin');
    if (isTrustedOrigin(ctx, origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    } else {
      // Without the credentials header no browser sends this origin's cookies along.
      res.setHeader('Access-Control-Allow-Origin', '*');
    }
    if (rules.expose?.length) res.setHeader('Access-Control-Expose-Headers', rules.expose.join(', '));
    if (req.method === 'OPTIONS') return preflight(res, rules);
    next();
  };
}

export function isTrustedOrigin(ctx: Pick<ServerContext, 'config'>, origin: string): boolean {
  return origin !== '' && ctx.config.cors.origins.includes(origin);
}

function preflight(res: import('express').Response, rules: CorsRules): void {
  res.writeHead(204, {
    'Access-Control-Allow-Methods': [...rules.methods, 'OPTIONS'].join(', '),
    'Access-Control-Allow-Headers': rules.headers.join(', '),
    'Access-Control-Max-Age': MAX_AGE,
  });
  res.end();
}
