/**
 * SHIM — delete when an upstream @uppy/companion serves `/api2/auth-callback/token/<id>` itself
 * (server/test/companion-oauth-shim.test.ts fails on that day and says so).
 *
 * @uppy/core ≥ 6.0.0 no longer reads the OAuth token from `window.opener.postMessage`: it opens a websocket
 * `<companion>/api2/auth-callback/token/<authCallbackToken>` and waits there ("Send token using websocket instead of
 * window.opener", @uppy/core 6.0.0 changelog). That server side exists only in Uppy's unreleased main branch; the
 * published @uppy/companion 6.2.2 lacks it, so a Dropbox sign-in through it ends with "Auth window was closed by the
 * user". This module is that missing route: the popup's first Companion request (`/<provider>/connect?
 * authCallbackToken=…`) leaves the id in a short-lived HttpOnly cookie on Companion's path; when the popup reaches
 * `/<provider>/send-token` and Companion answers it (200: a valid token), the token goes to the socket with that id.
 * A refused sign-in (`/<provider>/callback` answering 400) sends `{error}`, so the widget stops waiting at once.
 * Upstream keeps the id inside the encrypted OAuth `state` instead; the popup returns to the same origin, so a
 * cookie scoped to the Companion path carries it as well.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

export const CALLBACK_COOKIE = 'signet_companion_acb';
const TOKEN_SOCKET = /^\/api2\/auth-callback\/token\/([A-Za-z0-9-]{8,128})$/;
const ID = /^[A-Za-z0-9-]{8,128}$/;
const PENDING_TTL_MS = 60_000;
const MAX_PENDING = 1000;
/** How long the popup's last page may wait for the page's socket to connect. */
const PAGE_WAIT_MS = 10_000;

export interface OAuthTokenSocketShimOptions {
  /** The Companion mount path, e.g. `/companion` (the cookie's Path). */
  cookiePath: string;
  /** Mark the cookie Secure (Companion served over https). */
  secure: boolean;
}

type Message = { token: string } | { error: { code: string; message: string } };

export class OAuthTokenSocketShim {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  readonly #sockets = new Map<string, WebSocket>();
  /** Messages for sockets not open yet (the popup may finish before the page's socket connects). */
  readonly #pending = new Map<string, { message: Message; timer: NodeJS.Timeout; sent: () => void }>();
  readonly #options: OAuthTokenSocketShimOptions;

  constructor(options: OAuthTokenSocketShimOptions) {
    this.#options = options;
  }

  /** Takes the upgrade when `path` (relative to the mount) is the token socket; false leaves it to Companion. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, path: string): boolean {
    const id = TOKEN_SOCKET.exec(path)?.[1];
    if (!id) return false;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const waiting = this.#pending.get(id);
      if (waiting) {
        this.#pending.delete(id);
        clearTimeout(waiting.timer);
        ws.send(JSON.stringify(waiting.message), waiting.sent);
        return;
      }
      this.#sockets.get(id)?.terminate();
      this.#sockets.set(id, ws);
      ws.on('close', () => {
        if (this.#sockets.get(id) === ws) this.#sockets.delete(id);
      });
      ws.on('error', () => ws.terminate());
    });
    return true;
  }

  /** Call before Companion handles an HTTP request; `path` and `query` are relative to the mount. */
  beforeRequest(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void {
    const segments = path.split('/');
    if (segments.length !== 3) return;
    const action = segments[2];
    if (action === 'connect') {
      const id = query.get('authCallbackToken');
      if (id && ID.test(id)) res.appendHeader('Set-Cookie', this.#cookie(id, 600));
      return;
    }
    if (action !== 'send-token' && action !== 'callback') return;
    const id = readCookie(req, CALLBACK_COOKIE);
    if (!id || !ID.test(id)) return;
    const token = query.get('uppyAuthToken');
    // Companion's page closes the popup as soon as it loads, and Uppy gives up once it sees the popup closed: so
    // the token (or the refusal) goes out on the socket first, and the page only after it was written.
    const end = res.end as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      res.end = end as ServerResponse['end'];
      const message: Message | null =
        action === 'send-token' && res.statusCode === 200 && token
          ? { token }
          : action === 'callback' && res.statusCode === 400
            ? { error: { code: 'PROVIDER_AUTH_FAILED', message: 'The provider did not grant access.' } }
            : null;
      if (!message) return end.apply(res, args);
      this.#deliver(id, message, () => end.apply(res, args));
      return res;
    }) as ServerResponse['end'];
    // One sign-in, one delivery: the cookie goes with the answer that uses it.
    if (action === 'send-token') res.appendHeader('Set-Cookie', this.#cookie('', 0));
  }

  close(): void {
    for (const ws of this.#sockets.values()) ws.terminate();
    for (const { timer, sent } of this.#pending.values()) {
      clearTimeout(timer);
      sent();
    }
    this.#sockets.clear();
    this.#pending.clear();
    this.#wss.close();
  }

  /** Sends `message` to the socket `id` (now, or when it connects), then calls `then`; `then` runs at the latest after `PAGE_WAIT_MS`. */
  #deliver(id: string, message: Message, then: () => void): void {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(fallback);
      then();
    };
    const fallback = setTimeout(finish, PAGE_WAIT_MS);
    const ws = this.#sockets.get(id);
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(message), finish);
      return;
    }
    if (this.#pending.size >= MAX_PENDING) {
      finish();
      return;
    }
    const timer = setTimeout(() => this.#pending.delete(id), PENDING_TTL_MS);
    timer.unref();
    this.#pending.set(id, { message, timer, sent: finish });
  }

  #cookie(value: string, maxAge: number): string {
    const secure = this.#options.secure ? '; Secure' : '';
    return `${CALLBACK_COOKIE}=${value}; Path=${this.#options.cookiePath}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
  }
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = pair.split('=');
    if (key?.trim() === name) return value.join('=').trim();
  }
  return undefined;
}
