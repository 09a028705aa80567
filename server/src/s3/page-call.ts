/**
 * The caller checks of `POST /api/sign` (routes/sign.ts), shared by the other JSON endpoints a logged-in page calls:
 * CORS, who is calling (bearer token or session cookie), and, for cookies, that the page is this origin or a
 * configured one. Same helpers, same order, so the direct-upload endpoints authorise exactly like signing does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UploadError } from 'signet-upload/protocol';
import type { AuthUser } from '../config.js';
import type { ServerContext } from '../context.js';
import { header, mediaType, readBody } from '../http.js';
import { isBearer, isSameOrigin, parseJson, preflight, setCors } from '../routes/sign.js';

export interface PageCall {
  user: AuthUser;
  body: unknown;
}

/** The caller and its JSON body; null when the request was a CORS preflight (already answered). */
export async function pageCall(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<PageCall | null> {
  const origin = header(req, 'origin');
  const trusted = origin !== '' && ctx.config.cors.origins.includes(origin);
  setCors(res, origin, trusted);
  if (req.method === 'OPTIONS') {
    preflight(res);
    return null;
  }
  const user = await ctx.authenticate(req);
  if (!user) throw new UploadError('UNAUTHENTICATED', 'Sign in to upload.');
  if (!isBearer(req) && !trusted && !isSameOrigin(req, origin, ctx.publicUrl))
    throw new UploadError('CSRF_FAILED', 'Cross-site request refused.');
  if (mediaType(req) !== 'application/json')
    throw new UploadError('BAD_REQUEST', 'Send the request as application/json.');
  return { user, body: parseJson(await readBody(req, ctx.config.limits.maxJsonBody)) };
}
