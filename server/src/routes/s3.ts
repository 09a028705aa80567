/**
 * Direct-to-S3 uploads (s3/direct.ts), for a signed-in page:
 *   POST /api/s3/start     the upload parameters (signed as for the Upload API) and the file's name, size and type;
 *                          answers the key the server chose and the upload token every later request carries
 *   POST /api/s3/sign      one presigned URL per S3 request of @uppy/aws-s3 (`signRequest`)
 *   POST /api/s3/parts     what the bucket holds of the upload (its open multipart upload's parts, or the whole
 *                          object), for a client continuing after a cut or a reload
 *   POST /api/s3/complete  registers the object as an asset, after the same checks as every upload
 */
import type { Router } from 'express';
import type { ServerContext } from '../context.js';
import { requireUser, signedIn } from '../http/caller.js';
import { methodNotAllowed } from '../http/errors.js';
import { jsonBody } from '../http/json.js';
import { sendJson } from '../http/respond.js';
import { newRouter } from '../http/route.js';
import type { DirectUploads } from '../s3/direct.js';

export function s3Routes(ctx: ServerContext, uploads: DirectUploads): Router {
  const router = newRouter();
  router
    .route('/s3/start')
    .post(signedIn(), ...jsonBody(ctx), async (req, res) =>
      sendJson(res, 200, await uploads.start(requireUser(res), req.body)),
    )
    .all(methodNotAllowed(['POST', 'OPTIONS']));
  router
    .route('/s3/sign')
    .post(signedIn(), ...jsonBody(ctx), async (req, res) =>
      sendJson(res, 200, await uploads.sign(requireUser(res), req.body)),
    )
    .all(methodNotAllowed(['POST', 'OPTIONS']));
  router
    .route('/s3/parts')
    .post(signedIn(), ...jsonBody(ctx), async (req, res) =>
      sendJson(res, 200, await uploads.parts(requireUser(res), req.body)),
    )
    .all(methodNotAllowed(['POST', 'OPTIONS']));
  router
    .route('/s3/complete')
    .post(signedIn(), ...jsonBody(ctx), async (req, res) =>
      sendJson(res, 200, await uploads.complete(requireUser(res), req.body)),
    )
    .all(methodNotAllowed(['POST', 'OPTIONS']));
  return router;
}
