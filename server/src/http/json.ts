/**
 * JSON request bodies, parsed one way for every endpoint that takes them: `application/json` only, at most
 * `limits.maxJsonBody` bytes, errors as 400 BAD_REQUEST (http/errors.ts maps the parser's own).
 */
import express, { type RequestHandler } from 'express';
import { UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { mediaType } from './respond.js';

export function jsonBody(ctx: Pick<ServerContext, 'config'>): RequestHandler[] {
  const parse = express.json({ limit: ctx.config.limits.maxJsonBody, strict: false, type: 'application/json' });
  const requireJson: RequestHandler = (req, _res, next) => {
    // A request without a body (a GET, a bodiless POST such as a moderation verdict) has nothing to parse.
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody) return next();
    if (mediaType(req) !== 'application/json')
      return next(new UploadError('BAD_REQUEST', 'Send the request body as application/json.'));
    next();
  };
  return [requireJson, parse];
}

/** The parsed body as a plain object, or 400. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new UploadError('BAD_REQUEST', 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
}
