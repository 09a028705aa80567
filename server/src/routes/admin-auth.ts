/**
 * The admin API's guard: `Authorization: Bearer <admin_token>` (from credentials.json), compared in constant time.
 * Deliberately not the signing endpoint's users or cookie: an admin call is never ambient.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { header, mediaType, readBody } from '../http.js';

export function requireAdmin(ctx: Pick<ServerContext, 'credentials'>, req: IncomingMessage): void {
  const token = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization'))?.[1] ?? '';
  // Hashing first gives equal lengths, so the comparison leaks neither the token nor its length.
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  if (token === '' || !timingSafeEqual(digest(token), digest(ctx.credentials.admin_token)))
    throw new UploadError('UNAUTHENTICATED', 'The admin API needs "Authorization: Bearer <admin_token>".');
}

/** A JSON request body, whole (at most `limits.maxJsonBody` bytes). */
export async function readJson(ctx: Pick<ServerContext, 'config'>, req: IncomingMessage): Promise<unknown> {
  if (mediaType(req) !== 'application/json') throw new UploadError('BAD_REQUEST', 'Send application/json.');
  const body = await readBody(req, ctx.config.limits.maxJsonBody);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new UploadError('BAD_REQUEST', 'The request body is not valid JSON.');
  }
}
