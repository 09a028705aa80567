/**
 * Who is calling the page API, found once per request: the user, and the kind of credential that identified them.
 *   token    a header a browser never sends on its own (`Authorization: Bearer …`): no cross-site risk
 *   ambient  a cookie, or anything an `authenticate` hook did not declare a token: a browser may attach it to a
 *            request another site makes, so unsafe requests are held to the CSRF check (csrf.ts)
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler, Response } from 'express';
import { UploadError } from 'signet-upload/protocol';
import type { AuthUser } from '../config.js';
import type { ServerContext } from '../context.js';

export type Credential = 'token' | 'ambient';

export interface Caller {
  user: AuthUser | null;
  /** null when nobody was identified. */
  credential: Credential | null;
}

export function identify(ctx: Pick<ServerContext, 'authenticate'>): RequestHandler {
  return async (req, res, next) => {
    const user = await ctx.authenticate(req);
    const caller: Caller = user
      ? { user: { id: user.id, role: user.role }, credential: user.credential ?? 'ambient' }
      : { user: null, credential: null };
    res.locals.caller = caller;
    next();
  };
}

export function callerOf(res: Response): Caller {
  return (res.locals.caller as Caller | undefined) ?? { user: null, credential: null };
}

/** Refuses a request without a user (401 UNAUTHENTICATED) before it is read any further. */
export function signedIn(message = 'Sign in to upload.'): RequestHandler {
  return (_req, res, next) => next(callerOf(res).user ? undefined : new UploadError('UNAUTHENTICATED', message));
}

/** The signed-in user, or 401 UNAUTHENTICATED with `message`. */
export function requireUser(res: Response, message = 'Sign in to upload.'): AuthUser {
  const { user } = callerOf(res);
  if (!user) throw new UploadError('UNAUTHENTICATED', message);
  return user;
}

/** The reference server's own authentication: a bearer token, else the demo page's cookie, among `users`. */
export function tokenUser(
  req: IncomingMessage,
  users: Readonly<Record<string, AuthUser>>,
  cookieName: string,
): AuthUser | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) {
    // A bearer header decides alone: an unknown token is nobody, never a fallback to the cookie beside it.
    const user = Object.hasOwn(users, bearer) ? users[bearer] : undefined;
    return user ? { ...user, credential: 'token' } : null;
  }
  const token = cookie(req, cookieName);
  const user = token !== undefined && Object.hasOwn(users, token) ? users[token] : undefined;
  return user ? { ...user, credential: 'ambient' } : null;
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = pair.split('=');
    if (key?.trim() === name) return value.join('=').trim();
  }
  return undefined;
}
