// A loopback HTTP server playing "the internet" for URL imports: files with or without a Content-Length, endless
// bodies, redirects. It counts what it sent, so tests can see a download was cut off.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export type RemoteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RemoteServer {
  /** `http://127.0.0.1:<port>` (or `http://[::1]:<port>`). */
  origin: string;
  port: number;
  /** Requests received, as `METHOD /path`. */
  requests: string[];
  /** Body bytes written by the handlers (`streamEndless`, `serve`). */
  sent: { bytes: number };
  /** Resolves when a response the server is streaming has been cut by the client. */
  aborted: Promise<void>;
  route(path: string, handler: RemoteHandler): void;
}

export async function startRemoteServer(host = '127.0.0.1'): Promise<RemoteServer> {
  const routes = new Map<string, RemoteHandler>();
  const requests: string[] = [];
  const sent = { bytes: 0 };
  let onAborted: () => void = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAborted = resolve;
  });
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(`${req.method} ${path}`);
    res.once('close', () => {
      if (!res.writableFinished) onAborted();
    });
    const handler = routes.get(path);
    if (!handler) {
      res.writeHead(404).end('not found');
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    sent,
    aborted,
    route: (path, handler) => routes.set(path, handler),
  };
}

/** Serves `data`, with a Content-Length unless `chunked`. */
export function serve(remote: RemoteServer, data: Uint8Array, type: string, { chunked = false } = {}): RemoteHandler {
  return (req, res) => {
    res.writeHead(200, { 'Content-Type': type, ...(chunked ? {} : { 'Content-Length': data.byteLength }) });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    remote.sent.bytes += data.byteLength;
    res.end(data);
  };
}

/**
 * A body that never ends (no Content-Length; HEAD answers without a size, as such servers do), or, given `size`, a
 * large one announced by its Content-Length. Written as the reader takes it, so a cut shows in `sent` and `aborted`.
 */
export function streamEndless(remote: RemoteServer, type = 'application/octet-stream', size?: number): RemoteHandler {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  return (req, res) => {
    res.writeHead(200, { 'Content-Type': type, ...(size === undefined ? {} : { 'Content-Length': size }) });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    let left = size ?? Number.POSITIVE_INFINITY;
    const pump = (): void => {
      while (!res.destroyed && left > 0) {
        const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= part.length;
        remote.sent.bytes += part.length;
        if (!res.write(part)) {
          res.once('drain', pump);
          return;
        }
      }
      if (left === 0) res.end();
    };
    pump();
  };
}

export function redirect(location: string, status = 302): RemoteHandler {
  return (_req, res) => {
    res.writeHead(status, { Location: location }).end();
  };
}
