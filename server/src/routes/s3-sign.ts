/**
 * `POST /api/s3/sign`: one presigned URL for one S3 request of a direct upload, in the shape @uppy/aws-s3 6's
 * `signRequest` returns (`{url, headers?}`). Same caller checks as `/api/sign`; the upload token decides the rest.
 */
import type { ServerContext } from '../context.js';
import { sendJson } from '../http.js';
import type { Route } from '../router.js';
import type { DirectUploads } from '../s3/direct.js';
import { pageCall } from '../s3/page-call.js';

export function s3SignRoute(ctx: ServerContext, uploads: DirectUploads): Route {
  return {
    pattern: /^\/api\/s3\/sign\/?$/,
    methods: ['POST', 'OPTIONS'],
    async handle(req, res) {
      const call = await pageCall(ctx, req, res);
      if (call) sendJson(res, 200, await uploads.sign(call.user, call.body));
    },
  };
}
