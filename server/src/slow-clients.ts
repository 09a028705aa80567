/**
 * How long the server waits for slow clients (security case 33), on the plain `http.Server`:
 *
 *   headers    a request's headers must be in within `headersMs` (Node's headersTimeout, checked every `checkMs`
 *              rather than Node's default 30 s, so a header slow-loris goes after ~35 s instead of ~60 s)
 *   idle       a socket whose next move is the client's — between requests, or in a body the server is reading —
 *              is closed after `idleMs` without a byte; a socket the server holds itself (it is working on a request
 *              it has read, say finalizing a 4 GiB file, or it stopped reading because of its own backpressure) is
 *              not idle on the client's part and is kept
 *   body rate  while the server reads a request body, it must bring at least `minBodyBytes` per `bodyWindowMs`:
 *              a client that keeps the idle timer alive with a byte every few seconds (a body slow-loris) is cut.
 *              A whole request has no time limit (Node's requestTimeout is 0): a large upload on a slow link may
 *              take hours, and keeps going as long as it moves.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface SlowClientLimits {
  headersMs: number;
  idleMs: number;
  minBodyBytes: number;
  bodyWindowMs: number;
  /** How often the header deadline and the body rate are checked. */
  checkMs: number;
}

export const SLOW_CLIENT_LIMITS = {
  headersMs: 30_000,
  idleMs: 120_000,
  // 16 KiB a minute is ~2 kbit/s: far below any real link, far above a trickle.
  minBodyBytes: 16 * 1024,
  bodyWindowMs: 60_000,
  checkMs: 5_000,
} satisfies SlowClientLimits;

/** A request whose body the server is reading, with what its socket had read when the window began. */
interface BodyWatch {
  req: IncomingMessage;
  socket: Socket;
  readAtStart: number;
  /** Time spent in this window while the server was reading (not paused by its own backpressure). */
  readingMs: number;
}

/** An HTTP server for `app` with the limits above. */
export function createGuardedServer(app: RequestListener, limits: SlowClientLimits = SLOW_CLIENT_LIMITS): Server {
  const server = createServer(
    { headersTimeout: limits.headersMs, requestTimeout: 0, connectionsCheckingInterval: limits.checkMs },
    app,
  );
  const current = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
  const bodies = new Set<BodyWatch>();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const { socket } = req;
    current.set(socket, { req, res });
    res.once('close', () => {
      if (current.get(socket)?.req === req) current.delete(socket);
    });
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.complete) bodies.add({ req, socket, readAtStart: socket.bytesRead, readingMs: 0 });
  });

  server.setTimeout(limits.idleMs);
  /** Sockets the server held when their idle timer last ran out: the client gets a whole period once it is let go. */
  const held = new WeakSet<Socket>();
  // With a listener here Node leaves timed-out sockets to us (it would destroy every one).
  server.on('timeout', (socket: Socket) => {
    const busy = current.get(socket);
    const serverHolds = busy && (busy.req.complete || busy.req.readableFlowing === false);
    if (socket.destroyed) return;
    if (serverHolds) held.add(socket);
    else if (!held.delete(socket)) {
      socket.destroy();
      return;
    }
    socket.setTimeout(limits.idleMs);
  });

  const check = setInterval(() => {
    for (const watch of bodies) {
      const { req, socket } = watch;
      if (req.complete || socket.destroyed) {
        bodies.delete(watch);
        continue;
      }
      // Paused by the server (its own backpressure) or not consumed yet: not the client's slowness.
      if (req.readableFlowing !== true) continue;
      watch.readingMs += limits.checkMs;
      if (watch.readingMs < limits.bodyWindowMs) continue;
      if (socket.bytesRead - watch.readAtStart < limits.minBodyBytes) {
        bodies.delete(watch);
        socket.destroy();
        continue;
      }
      watch.readAtStart = socket.bytesRead;
      watch.readingMs = 0;
    }
  }, limits.checkMs);
  check.unref();
  server.once('close', () => clearInterval(check));
  return server;
}
