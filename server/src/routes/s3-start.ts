/**
 * `POST /api/s3/start`: a logged-in page announces a direct-to-S3 upload: the upload parameters, signed as for the
 * Upload API, and the file's name, size and type. The answer names the key the server chose and the upload token
 * the page sends with every later request (s3/direct.ts).
 */
import type { ServerContext } from '../context.js';
import { sendJson } from '../http.js';
import type { Route } from '../router.js';
import type { DirectUploads } from '../s3/direct.js';
import { pageCall } from '../s3/page-call.js';

export function s3StartRoute(ctx: ServerContext, uploads: DirectUploads): Route {
  return {
    pattern: /^\/api\/s3\/start\/?$/,
    methods: ['POST', 'OPTIONS'],
    async handle(req, res) {
      const call = await pageCall(ctx, req, res);
      if (call) sendJson(res, 200, await uploads.start(call.user, call.body));
    },
  };
}
