/**
 * Uppy Companion (the published @uppy/companion, an Express 4 app) inside our Express app, at `/companion`.
 * We put in front of it: an allow-list of its routes (Web URL, and Dropbox when configured), the SSRF guard on the
 * URL endpoints (on the body, then on every connection: `connect-guard.ts`), our error codes on its answers, the
 * session grant's OAuth needs, and the OAuth token websocket Uppy 6 expects (`oauth-token-socket-shim.ts`).
 */

import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { RequestHandler, Router } from 'express';
import type { Job } from 'node-schedule';
import { UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { errorBody } from '../http/errors.js';
import { isAllowedHost } from '../http/host.js';
import { jsonBody, objectBody } from '../http/json.js';
import { sendJson } from '../http/respond.js';
import { newRouter } from '../http/route.js';
import { assetContentType } from '../mime.js';
import { authorizeUpload } from '../pipeline/authorize.js';
import { ParamCollector, parseUploadRequest } from '../pipeline/request.js';
import { makeDirectory } from '../storage-errors.js';
import { type GuardScope, newGuardScope, runGuarded } from './connect-guard.js';
import { COMPANION_LOG_NAME, routeCompanionLogs } from './log.js';
import type { OAuthTokenSocketShim } from './oauth-token-socket-shim.js';
import { describeRemoteFailure, statusOf, translateUrlAnswer } from './remote-errors.js';
import type { CompanionSettings } from './settings.js';
import { checkRemoteUrl } from './ssrf-guard.js';

export const COMPANION_PATH = '/companion';
const RESOURCE_TYPES = '(image|video|raw|auto)';

/** Express's handler signature, as far as we call it. */
type ExpressApp = ((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void) & {
  disable(setting: string): void;
};
type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export interface CompanionHost {
  /** Mounted at `/companion` (http/app.ts). */
  readonly router: Router;
  /** Routes the server's websocket upgrades (progress sockets, the OAuth token socket). */
  attach(server: Server): void;
  /** Builds Companion once the server listens (its OAuth redirect URIs need the public URL). */
  start(): Promise<void>;
  /** Closes every websocket; call before closing the server. */
  close(): void;
}

/**
 * Companion keeps its OAuth (grant) settings in module state and prefixes the callback path again on every
 * `companion.app()`: a second OAuth-enabled Companion in one process would send Dropbox's answer to
 * `/companion/companion/…`. Refused loudly instead.
 */
let oauthMounted = false;

export function createCompanionHost(ctx: ServerContext, settings: CompanionSettings): CompanionHost {
  let app: ExpressApp | undefined;
  let sessions: Middleware | undefined;
  let shim: OAuthTokenSocketShim | undefined;
  // Companion's own progress sockets (`/api/<token>`) listen on this, not on the server: it would take every upgrade.
  const upgrades = new EventEmitter();
  const upgraded = new Set<Duplex>();
  /** Remote downloads running, by client address. */
  const imports = new Map<string, number>();
  const companionJobs: Job[] = [];
  let building: Promise<void> | undefined;
  let closed = false;
  const dropbox = settings.dropbox !== null;

  const allowedOrigins = (): string[] => [...ctx.config.cors.origins, new URL(ctx.publicUrl).origin];

  /** Our refusals happen before Companion's CORS middleware: the page must still be able to read them. */
  const refusalCors: RequestHandler = (req, res, next) => {
    const origin = req.headers.origin;
    res.setHeader('Vary', 'Origin');
    if (origin && allowedOrigins().includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    next();
  };

  /** Only the Companion routes we use: the URL endpoints, and Dropbox's when it is configured. */
  const allowList: RequestHandler = (req, _res, next) => {
    const allowed = urlEndpoint(req.path) !== null || (dropbox && isDropboxPath(req.path));
    next(app && allowed ? undefined : new UploadError('NOT_FOUND', 'Not found.'));
  };

  const policy = { allowLoopback: settings.allowLocalUrls };

  /**
   * `/url/meta` is answered here, from the URL alone, with no request to its host: the person has not uploaded
   * anything yet (nothing is signed), so nothing may be fetched for them. Companion's own answer would need a request
   * to the remote host for anybody who asks. What the URL cannot say (the size) comes with the import itself.
   */
  const urlMeta: RequestHandler = async (req, res) => {
    // Uppy reads a top-level `code` from /url/meta.
    res.locals.uppyErrorBody = true;
    const url = await checkRemoteUrl(objectBody(req.body).url, settings.resolve, policy);
    const last = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    const name = safeDecode(last) || url.hostname;
    const extension = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
    const type = extension ? assetContentType(extension) : 'application/octet-stream';
    sendJson(res, 200, { name, type, size: null, statusCode: 200 });
  };

  /**
   * A remote import (`/url/get`, Dropbox's `/dropbox/get/…`) carries the upload's own signed fields as `metadata`:
   * they are authorised exactly as the upload endpoint will (signature, window, presets, grants, the declared size,
   * a use left — spent when the bytes arrive there) before anything is fetched, and each client address may have
   * `importsPerCaller` downloads running at once.
   */
  const authorizeImport: RequestHandler = async (req, res, next) => {
    const body = objectBody(req.body);
    const metadata = body.metadata;
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
      throw new UploadError('SIGNATURE_INVALID', 'A remote import needs the upload’s signed parameters.');
    const collector = new ParamCollector();
    for (const [name, value] of Object.entries(metadata)) collector.add(name, String(value));
    collector.assertKnown();
    const size = typeof body.size === 'number' && Number.isSafeInteger(body.size) ? body.size : null;
    await authorizeUpload(ctx, parseUploadRequest(collector.values()), { declaredSize: size, use: 'check' });
    const isUrl = urlEndpoint(req.path) === 'get';
    // Companion fetches exactly the URL we checked: the normalized one.
    if (isUrl) body.url = (await checkRemoteUrl(body.url, settings.resolve, policy)).href;

    const caller = req.ip ?? req.socket.remoteAddress ?? '';
    const running = imports.get(caller) ?? 0;
    if (running >= settings.importsPerCaller) {
      res.setHeader('Retry-After', String(Math.ceil(settings.idleMs / 1000)));
      throw new UploadError('RATE_LIMITED', 'Too many remote imports at once; wait for one to finish.');
    }
    imports.set(caller, running + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const left = (imports.get(caller) ?? 1) - 1;
      if (left > 0) imports.set(caller, left);
      else imports.delete(caller);
    };
    // Companion's body-parser (1.x) reads a body unless `_body` says it was read; ours (2.x) no longer sets it.
    Object.assign(req, { body, _body: true });
    if (!isUrl) {
      // A provider download (Dropbox): its connection is Companion's own, counted until the answer is out.
      res.once('close', release);
      return next();
    }
    const scope = newGuardScope(settings.resolve, policy, settings.idleMs);
    // The slot is held while the download's connections are open, or until the answer if none was made.
    scope.onIdle = release;
    res.once('close', () => {
      if (scope.sockets.size === 0) release();
    });
    translateAnswer(res, scope, false, ctx.config.limits.maxFileSize);
    runGuarded(scope, () => next());
  };

  /** Dropbox's routes: the OAuth token socket's cookie (the shim), then the session grant keeps its state in. */
  const dropboxSession: RequestHandler = (req, res, next) => {
    if (!shim || !sessions || urlEndpoint(req.path) !== null) return next();
    shim.beforeRequest(req, res, req.path, new URLSearchParams(req.url.split('?')[1] ?? ''));
    sessions(req, res, next);
  };

  const router = newRouter();
  router.use(
    refusalCors,
    (_req, _res, next) => {
      built().then(() => next(), next);
    },
    allowList,
  );
  router.post('/url/meta', ...jsonBody(ctx), urlMeta);
  router.post(['/url/get', /^\/dropbox\/get\/[^/]+$/], ...jsonBody(ctx), authorizeImport);
  router.use(dropboxSession);
  // Companion itself, an Express 4 app, behind our guards (added once it is built, in `start`).

  return {
    router,

    attach(server) {
      server.on('upgrade', async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        upgraded.add(socket);
        socket.once('close', () => upgraded.delete(socket));
        const path = URL.parse(req.url ?? '', 'http://localhost')?.pathname ?? '';
        const origin = req.headers.origin;
        // Browsers always send Origin on websockets; a page of another site has no business with these sockets.
        const ours = path.startsWith(`${COMPANION_PATH}/`) && isAllowedHost(ctx, req);
        if (ours) await built().catch(() => {});
        if (
          !shim ||
          !ours ||
          !path.startsWith(`${COMPANION_PATH}/`) ||
          (origin && !allowedOrigins().includes(origin))
        ) {
          socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
          return;
        }
        const relative = path.slice(COMPANION_PATH.length);
        if (shim.handleUpgrade(req, socket, head, relative)) return;
        if (/^\/api\/[A-Za-z0-9-]{8,128}$/.test(relative)) {
          upgrades.emit('upgrade', req, socket, head);
          return;
        }
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      });
    },

    async start() {
      if (settings.dropbox) {
        if (oauthMounted)
          throw new Error('Companion with Dropbox can run once per process (its OAuth settings are module state).');
        oauthMounted = true;
      }
    },

    close() {
      closed = true;
      for (const job of companionJobs.splice(0)) job.cancel();
      shim?.close();
      for (const socket of upgraded) socket.destroy();
      upgraded.clear();
    },
  };

  /**
   * Companion itself loads on first use (a request or a websocket under `/companion`), not at start: it costs the
   * process about 70 MiB, which a server nobody imports through never needs. Its OAuth redirect URIs need the public
   * URL, which exists by then.
   */
  function built(): Promise<void> {
    building ??= build().catch((error: unknown) => {
      building = undefined;
      throw error;
    });
    return building;
  }

  async function build(): Promise<void> {
    // Everything only Companion needs loads with it.
    const [companion, { default: session }, { default: schedule }, { OAuthTokenSocketShim }] = await Promise.all([
      import('@uppy/companion'),
      import('express-session'),
      import('node-schedule'),
      import('./oauth-token-socket-shim.js'),
    ]);
    const publicUrl = new URL(ctx.publicUrl);
    const filePath = join(ctx.paths.tmpDir, 'companion');
    await makeDirectory(filePath, 0o700);
    const secure = publicUrl.protocol === 'https:';
    const implicitPath = publicUrl.pathname.replace(/\/+$/, '');
    const options = {
      secret: settings.secret,
      filePath,
      server: {
        host: publicUrl.host,
        protocol: publicUrl.protocol.slice(0, -1),
        path: COMPANION_PATH,
        // A public URL with a path (a proxy prefix our server does not see) goes in front of external URLs.
        ...(implicitPath ? { implicitPath } : {}),
      },
      enableUrlEndpoint: true,
      allowLocalUrls: settings.allowLocalUrls,
      // Companion may send files to our own upload endpoint and nowhere else.
      uploadUrls: [
        `^${escapeRegExp(ctx.publicUrl)}/v1_1/${escapeRegExp(ctx.credentials.cloud_name)}/${RESOURCE_TYPES}/upload$`,
      ],
      maxFileSize: ctx.config.limits.maxFileSize,
      // A client that asked for an import but never opens its progress socket: the download is dropped then.
      clientSocketConnectTimeout: settings.idleMs,
      corsOrigins: allowedOrigins(),
      providerOptions: settings.dropbox ? { dropbox: { ...settings.dropbox } } : {},
      metrics: false,
      loggerProcessName: COMPANION_LOG_NAME,
    };
    routeCompanionLogs(ctx.log);
    // Companion schedules a daily clean-up of its file folder (node-schedule) and has no way to stop it, so a
    // closed server would keep Node running; our own sweep covers that folder, and `close()` cancels the job.
    const scheduledBefore = new Set(Object.keys(schedule.scheduledJobs));
    const built = companion.app(options) as unknown as { app: ExpressApp; emitter: EventEmitter };
    for (const [name, job] of Object.entries(schedule.scheduledJobs))
      if (!scheduledBefore.has(name)) companionJobs.push(job);
    built.app.disable('x-powered-by');
    codeSocketErrors(built.emitter);
    companion.socket(upgrades as unknown as Server);
    app = built.app;
    // Mounted as Express mounts a sub-app (application.use): it runs with its own request and response
    // prototypes (Express 4's) and hands back ours when it passes a request on.
    router.use(mountedApp(built.app));
    sessions = session({
      secret: settings.secret,
      name: 'signet_companion_sid',
      resave: false,
      saveUninitialized: false,
      cookie: {
        path: `${implicitPath}${COMPANION_PATH}`,
        httpOnly: true,
        secure,
        sameSite: 'lax',
        maxAge: 3_600_000,
      },
    });
    shim = new OAuthTokenSocketShim({ cookiePath: `${implicitPath}${COMPANION_PATH}`, secure });
    if (closed) {
      // Closed while it loaded: what it started stops at once.
      for (const job of companionJobs.splice(0)) job.cancel();
      shim.close();
    }
  }
}

function urlEndpoint(path: string): 'meta' | 'get' | null {
  if (path === '/url/meta') return 'meta';
  if (path === '/url/get') return 'get';
  return null;
}

/** Dropbox's routes in Companion: its own, and grant's `/connect/dropbox[/callback]`. */
function isDropboxPath(path: string): boolean {
  return /^\/dropbox\/[^/]+(\/[^/]*)?$/.test(path) || /^\/connect\/dropbox(\/callback)?$/.test(path);
}

/**
 * Rewrites Companion's answer to a URL request into ours when it is an error (or a size over the limit), and ends
 * the guarded scope when the answer goes out: what Companion connects to afterwards is our own upload endpoint.
 */
function translateAnswer(res: ServerResponse, scope: GuardScope, forUppy: boolean, maxFileSize: number): void {
  const end = res.end as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
  res.end = function translatedEnd(this: ServerResponse, ...args: unknown[]) {
    res.end = end as ServerResponse['end'];
    scope.active = false;
    const [chunk] = args;
    if (!res.headersSent && (typeof chunk === 'string' || Buffer.isBuffer(chunk))) {
      const body = parseJson(chunk.toString());
      const error = translateUrlAnswer({ status: res.statusCode, body }, scope.refusal, maxFileSize);
      if (error) {
        const text = JSON.stringify(errorBody(error, forUppy));
        res.statusCode = statusOf(error);
        res.removeHeader('ETag');
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Content-Length', Buffer.byteLength(text));
        res.setHeader('Cache-Control', 'no-store');
        // Companion leaves a download it refused (too large) open; nothing will read it.
        for (const socket of scope.sockets) socket.destroy();
        return end.call(this, text);
      }
    }
    return end.apply(this, args);
  } as ServerResponse['end'];
}

const CODED = Symbol.for('signet-upload.companion-coded-errors');

/**
 * Companion's progress socket sends failures as a serialized error; give them our code (and drop internals) on the
 * way. Companion's emitter is one per process; wrapping it twice is a no-op.
 */
function codeSocketErrors(emitter: EventEmitter & { [CODED]?: true }): void {
  if (emitter[CODED]) return;
  emitter[CODED] = true;
  const emit = emitter.emit.bind(emitter);
  emitter.emit = (name: string | symbol, ...args: unknown[]): boolean => {
    const [message] = args as [{ action?: unknown; payload?: { error?: unknown } } | undefined];
    if (message?.action === 'error' && message.payload)
      return emit(name, {
        ...message,
        payload: { ...message.payload, error: describeRemoteFailure(message.payload.error) },
      });
    return emit(name, ...args);
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * What Express's `application.use` does for a sub-app (expressjs/express lib/application.js `mounted_app`), for
 * Companion's Express 4 app inside our Express 5 one: Express 4's own `mount` handler would graft its request and
 * response onto ours, so the app is called as a handler and the prototypes are put back when it passes a request on.
 * Express 5's `req.query` is a getter of its request prototype, which Express 4's `query` middleware sees as already
 * parsed and its prototype then hides: an own, empty `query` lets Express 4 parse it its own way.
 */
function mountedApp(app: ExpressApp): RequestHandler {
  return (req, res, next) => {
    const request = Object.getPrototypeOf(req);
    const response = Object.getPrototypeOf(res);
    Object.defineProperty(req, 'query', { value: undefined, writable: true, configurable: true, enumerable: true });
    app(req, res, (error?: unknown) => {
      Object.setPrototypeOf(req, request);
      Object.setPrototypeOf(res, response);
      delete (req as { query?: unknown }).query;
      next(error);
    });
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
