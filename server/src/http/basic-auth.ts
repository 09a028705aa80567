/**
 * Cloudinary's Admin API guard: HTTP Basic with the API key as the user and the API secret as the password, as the
 * official SDKs send it. Compared in constant time; anything else is 401 UNAUTHENTICATED with a `WWW-Authenticate`
 * challenge. Never a cookie or a page's token: the Admin API is for the holder of the secret (a trusted backend).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { header } from './respond.js';

export function requireApiCredentials(ctx: Pick<ServerContext, 'credentials'>): RequestHandler {
  // Hashing first gives equal lengths, so the comparison leaks neither the credentials nor their length.
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  const expected = digest(`${ctx.credentials.api_key}:${ctx.credentials.api_secret}`);
  return (req, res, next) => {
    const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header(req, 'authorization'))?.[1];
    const given = encoded === undefined ? '' : Buffer.from(encoded, 'base64').toString('utf8');
    if (given !== '' && timingSafeEqual(digest(given), expected)) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="Admin API", charset="UTF-8"');
    next(
      new UploadError(
        'UNAUTHENTICATED',
        given === '' ? 'Must supply api_key and api_secret (HTTP Basic).' : 'Invalid api_key or api_secret.',
      ),
    );
  };
}
