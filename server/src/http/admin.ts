/**
 * The admin API's guard: `Authorization: Bearer <admin_token>` (from credentials.json), compared in constant time.
 * Deliberately not the page API's users or cookie: an admin call is never ambient.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { header } from './respond.js';

export function requireAdminToken(ctx: Pick<ServerContext, 'credentials'>): RequestHandler {
  // Hashing first gives equal lengths, so the comparison leaks neither the token nor its length.
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  const expected = digest(ctx.credentials.admin_token);
  return (req, _res, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization'))?.[1] ?? '';
    if (token === '' || !timingSafeEqual(digest(token), expected))
      return next(new UploadError('UNAUTHENTICATED', 'The admin API needs "Authorization: Bearer <admin_token>".'));
    next();
  };
}
