/**
 * `POST /api/sign`: a signed-in page asks the server to sign the upload parameters it is about to send. It signs
 * only folders the caller may contribute to (403 FORBIDDEN_FOLDER) and records whom it gave each signature, so the
 * upload endpoint can check the folders again (auth/access.ts) and count its uses (pipeline/authorize.ts).
 * `GET /api/presets`: the upload presets that page may offer (the widget's `getUploadPresets`).
 * Who is calling, CORS and CSRF are the page API's middleware (http/app.ts), decided before these run.
 */
import type { Router } from 'express';
import type { SignedParams } from 'signet-upload/protocol';
import { assertMaySign, recordIssued } from '../auth/access.js';
import { nowSeconds, type ServerContext } from '../context.js';
import { callerOf, requireUser, signedIn } from '../http/caller.js';
import { methodNotAllowed } from '../http/errors.js';
import { jsonBody } from '../http/json.js';
import { rateLimit } from '../http/rate-limit.js';
import { sendJson } from '../http/respond.js';
import { newRouter } from '../http/route.js';
import { toSignableParams } from '../sign-request.js';
import { sign } from '../signing.js';

/** One entry of `GET /api/presets`. */
export interface PresetChoiceJson {
  name: string;
  unsigned: boolean;
}

export function signRoutes(ctx: ServerContext): Router {
  const router = newRouter();
  router
    .route('/sign')
    .post(
      signedIn(),
      rateLimit(
        [
          { limiter: ctx.limits.signPerUser, key: (res) => `user:${callerOf(res).user?.id ?? ''}` },
          { limiter: ctx.limits.signPerAddress, key: (_res, address) => `address:${address}` },
        ],
        'signing requests',
      ),
      ...jsonBody(ctx),
      async (req, res) => {
        const user = requireUser(res);
        const params = toSignableParams(req.body, { ...ctx.config.signing, nowSeconds: nowSeconds(ctx) });
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
    )
    .all(methodNotAllowed(['POST', 'OPTIONS']));
  router
    .route('/presets')
    .get(async (_req, res) => {
      // Same caller check as signing; a GET changes nothing, and CORS keeps other sites from reading the answer.
      requireUser(res);
      const presets = await ctx.catalog.presets.list(ctx.credentials.cloud_name);
      const body: PresetChoiceJson[] = presets.map((preset) => ({ name: preset.name, unsigned: preset.unsigned }));
      sendJson(res, 200, body);
    })
    .all(methodNotAllowed(['GET', 'HEAD', 'OPTIONS']));
  return router;
}
