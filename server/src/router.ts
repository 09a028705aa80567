/**
 * A tiny router: the first route whose pattern matches the path answers; a matching path with another method gets
 * 405, no match 404. Every thrown error goes through `sendError`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UploadError } from 'signet-upload/protocol';
import { discardBody, sendError } from './http.js';

export interface Route {
  /** Matched against the URL path (still percent-encoded). */
  pattern: RegExp;
  methods: readonly string[];
  handle(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray, url: URL): Promise<void> | void;
}

export function createRouter(
  routes: readonly Route[],
  log: (line: string) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void dispatch(routes, req, res).catch((error: unknown) => {
      discardBody(req);
      sendError(res, error, log);
    });
  };
}

async function dispatch(routes: readonly Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = req.url ?? '';
  // Concatenated, not resolved against a base: `//host/x` must stay a path, not become another origin.
  const url = target.startsWith('/') ? URL.parse(`http://localhost${target}`) : null;
  if (!url) throw new UploadError('BAD_REQUEST', 'Malformed request URL.');
  for (const route of routes) {
    const match = route.pattern.exec(url.pathname);
    if (!match) continue;
    if (!route.methods.includes(req.method ?? '')) {
      res.setHeader('Allow', route.methods.join(', '));
      throw new UploadError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here.`);
    }
    await route.handle(req, res, match, url);
    return;
  }
  throw new UploadError('NOT_FOUND', 'Not found.');
}

/** Decodes one percent-encoded path segment; a malformed one is a 404 (no such resource can exist). */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new UploadError('NOT_FOUND', 'Not found.');
  }
}
