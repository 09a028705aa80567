/**
 * The Host check, before any route: a server answers only the names it is configured for (`server.allowedHosts`;
 * by default the loopback names, the listening address and the public URL's host). A page of another site whose
 * name resolves to this machine (DNS rebinding) sends its own name as Host, and is refused with 421 here — before
 * a cookie is set, a signature issued or a file read.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const WILDCARD = new Set(['0.0.0.0', '::', '']);

export function hostCheck(ctx: Pick<ServerContext, 'config' | 'publicUrl'>): RequestHandler {
  return (req, _res, next) => next(isAllowedHost(ctx, req) ? undefined : refused(req));
}

export function isAllowedHost(ctx: Pick<ServerContext, 'config' | 'publicUrl'>, req: IncomingMessage): boolean {
  const configured = ctx.config.server.allowedHosts;
  if (configured?.includes('*')) return true;
  const name = hostName(req.headers.host ?? '');
  if (name === null) return false;
  const allowed = configured ?? defaultHosts(ctx);
  return allowed.some((host) => host.toLowerCase() === name);
}

function defaultHosts(ctx: Pick<ServerContext, 'config' | 'publicUrl'>): string[] {
  const listening = ctx.config.server.host.replace(/^\[|\]$/g, '');
  const publicHost = ctx.publicUrl ? (URL.parse(ctx.publicUrl)?.hostname ?? '') : '';
  return [...LOOPBACK, ...(WILDCARD.has(listening) ? [] : [listening]), publicHost.replace(/^\[|\]$/g, '')].filter(
    Boolean,
  );
}

/** The host name of a Host header, lower-cased, without port or IPv6 brackets; null when it is no host at all. */
function hostName(header: string): string | null {
  const url = URL.parse(`http://${header}/`);
  if (!url || header === '' || /[/?#@\s]/.test(header)) return null;
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

function refused(req: IncomingMessage): UploadError {
  const shown = (req.headers.host ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  return new UploadError('HOST_NOT_ALLOWED', `This server does not answer for the host "${shown}".`);
}
