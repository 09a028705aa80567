/**
 * `POST /api/sign`: a logged-in page asks the server to sign the upload parameters it is about to send. It signs
 * only folders the caller may contribute to (403 FORBIDDEN_FOLDER) and records whom it gave each signature, so the
 * upload endpoint can check the folders again (auth/access.ts).
 * `GET /api/presets`: the upload presets that page may offer (the widget's `getUploadPresets`).
 * Bearer-token callers may come from any origin; cookie (ambient) callers only from this origin or a configured
 * one, and only configured origins get credentialed CORS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignedParams } from 'signet-upload/protocol';
import { UploadError } from 'signet-upload/protocol';
import { assertMaySign, recordIssued } from '../auth/access.js';
import { nowSeconds, type ServerContext } from '../context.js';
import { header, mediaType, readBody, sendJson } from '../http.js';
import type { Route } from '../router.js';
import { toSignableParams } from '../sign-request.js';
import { sign } from '../signing.js';

/** One entry of `GET /api/presets`. */
export interface PresetChoiceJson {
  name: string;
  unsigned: boolean;
}

export function signRoute(ctx: ServerContext): Route {
  return {
    pattern: /^\/api\/sign\/?$/,
    methods: ['POST', 'OPTIONS'],
    async handle(req, res) {
      const origin = header(req, 'origin');
      const trusted = origin !== '' && ctx.config.cors.origins.includes(origin);
      setCors(res, origin, trusted);
      if (req.method === 'OPTIONS') return preflight(res);

      const user = await ctx.authenticate(req);
      if (!user) throw new UploadError('UNAUTHENTICATED', 'Sign in to upload.');
      if (!isBearer(req) && !trusted && !isSameOrigin(req, origin, ctx.publicUrl))
        throw new UploadError('CSRF_FAILED', 'Cross-site request refused.');
      if (mediaType(req) !== 'application/json')
        throw new UploadError('BAD_REQUEST', 'Send the parameters to sign as application/json.');

      const body = parseJson(await readBody(req, ctx.config.limits.maxJsonBody));
      const params = toSignableParams(body, { ...ctx.config.signing, nowSeconds: nowSeconds(ctx) });
      // Resolves the presets too: signing one that does not exist would only move the refusal to the upload.
      await assertMaySign(ctx, user, params);
      const signature = sign(params, ctx.credentials.api_secret);
      await recordIssued(ctx, signature, user, Number(params.timestamp));
      const answer: SignedParams = {
        signature,
        timestamp: Number(params.timestamp),
        api_key: ctx.credentials.api_key,
        signature_algorithm: 'sha1',
      };
      sendJson(res, 200, answer);
    },
  };
}

export function presetChoicesRoute(ctx: ServerContext): Route {
  return {
    pattern: /^\/api\/presets\/?$/,
    methods: ['GET', 'HEAD', 'OPTIONS'],
    async handle(req, res) {
      const origin = header(req, 'origin');
      const trusted = origin !== '' && ctx.config.cors.origins.includes(origin);
      setCors(res, origin, trusted);
      if (req.method === 'OPTIONS') return preflight(res, 'GET, HEAD, OPTIONS');
      // Same caller check as signing; a GET changes nothing, and CORS keeps other sites from reading the answer.
      if (!(await ctx.authenticate(req))) throw new UploadError('UNAUTHENTICATED', 'Sign in to upload.');
      const presets = await ctx.catalog.presets.list(ctx.credentials.cloud_name);
      const body: PresetChoiceJson[] = presets.map((preset) => ({ name: preset.name, unsigned: preset.unsigned }));
      sendJson(res, 200, body);
    },
  };
}

export function setCors(res: ServerResponse, origin: string, trusted: boolean): void {
  res.setHeader('Vary', 'Origin');
  if (trusted) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  } else {
    // Any page may call with a bearer token; without the credentials header no browser sends it cookies.
    res.setHeader('Access-Control-Allow-Origin', '*');
  }
}

export function preflight(res: ServerResponse, methods = 'POST, OPTIONS'): void {
  res.writeHead(204, {
    'Access-Control-Allow-Methods': methods,
    'Access-Control-Allow-Headers': 'Content-Type, Authorization',
    'Access-Control-Max-Age': '600',
  });
  res.end();
}

export function isBearer(req: IncomingMessage): boolean {
  return /^Bearer\s/i.test(header(req, 'authorization'));
}

/**
 * The page's origin is this server's (by the Host it called, or the public URL). Without an Origin header only a
 * browser's own same-origin marker counts: a form post from elsewhere never passes.
 */
export function isSameOrigin(req: IncomingMessage, origin: string, publicUrl: string): boolean {
  if (origin === '') return header(req, 'sec-fetch-site') === 'same-origin';
  const parsed = URL.parse(origin);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return false;
  return parsed.host === header(req, 'host') || parsed.origin === URL.parse(publicUrl)?.origin;
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new UploadError('BAD_REQUEST', 'The request body is not valid JSON.');
  }
}
