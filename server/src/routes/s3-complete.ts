/**
 * `POST /api/s3/complete`: the object is in the bucket; check it and register the asset. Answers the Upload API's
 * JSON, exactly as if the file had been posted to `/v1_1/:cloud/:resource_type/upload`.
 */
import type { ServerContext } from '../context.js';
import { sendJson } from '../http.js';
import type { Route } from '../router.js';
import type { DirectUploads } from '../s3/direct.js';
import { pageCall } from '../s3/page-call.js';

export function s3CompleteRoute(ctx: ServerContext, uploads: DirectUploads): Route {
  return {
    pattern: /^\/api\/s3\/complete\/?$/,
    methods: ['POST', 'OPTIONS'],
    async handle(req, res) {
      const call = await pageCall(ctx, req, res);
      if (call) sendJson(res, 200, await uploads.complete(call.user, call.body));
    },
  };
}
