/**
 * Cross-site request forgery, decided by the credential actually used (caller.ts): a request that changes something
 * and was identified by an ambient credential (a cookie) must come from a page of this origin or of a configured
 * one. A bearer token needs no such check — a forged request cannot carry it — and an anonymous request has nothing
 * to borrow; the route refuses it if it needs a user.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { callerOf } from './caller.js';
import { isTrustedOrigin } from './cors.js';
import { header } from './respond.js';

const SAFE: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfGuard(ctx: Pick<ServerContext, 'config' | 'publicUrl'>): RequestHandler {
  return (req, res, next) => {
    if (SAFE.has(req.method) || callerOf(res).credential !== 'ambient') return next();
    const origin = header(req, 'origin');
    if (isTrustedOrigin(ctx, origin) || isSameOrigin(req, origin, ctx.publicUrl)) return next();
    next(new UploadError('CSRF_FAILED', 'Cross-site request refused.'));
  };
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
