/**
 * Route helpers. Paths are matched as the client sent them (still percent-encoded) and each route decodes its own
 * segments, so an encoded `/` can never split or join path segments behind a check.
 */
import express, { type Request, type Router } from 'express';
import { UploadError } from 'signet-upload/protocol';

/** Every router: case-sensitive paths, a trailing slash allowed. */
export function newRouter(): Router {
  return express.Router({ caseSensitive: true, strict: false });
}

/** The capture groups of `pattern` over the request's raw path ('' for a group that did not take part). */
export function groups(req: Request, pattern: RegExp): string[] {
  return (pattern.exec(req.path) ?? []).slice(1).map((group) => group ?? '');
}

/** Decodes one percent-encoded path segment; a malformed one is a 404 (no such resource can exist). */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new UploadError('NOT_FOUND', 'Not found.');
  }
}

/** The URL of a request, from its raw target (never resolved against a base: `//host/x` stays a path). */
export function requestUrl(req: Request): URL {
  const url = URL.parse(`http://localhost${req.originalUrl.startsWith('/') ? req.originalUrl : '/'}`);
  if (!url) throw new UploadError('BAD_REQUEST', 'Malformed request URL.');
  return url;
}
