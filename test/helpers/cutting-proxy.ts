// A TCP proxy on 127.0.0.1 that cuts connections at chosen byte offsets of what the client sends, as a café's
// network or a phone changing cells does: both sockets are destroyed mid-request, the server sees an aborted body.
// Exposed to browser tests as commands (they run in Node); the page then points its upload URL at the proxy.
import { createServer, type Server, Socket } from 'node:net';
import type { BrowserCommand } from 'vitest/node';

interface Proxy {
  server: Server;
  sockets: Set<Socket>;
  /** Client bytes forwarded since start, over all connections. */
  sent: number;
  /** Offsets (in `sent`) at which the connection carrying that byte is cut; each fires once. */
  cuts: number[];
  /** Cut every connection once it has carried this many client bytes (a network that keeps failing). */
  everyConnection?: number;
  /** While true, every connection is cut at once and new ones refused (the network is down). */
  down?: boolean;
  /** The network goes down when client byte `downAt` passes (a cut that lasts until `proxyDown(url, false)`). */
  downAt?: number;
  /** Cuts that fired, with the offset they fired at. */
  fired: number[];
  /** Request lines seen at the start of data chunks ("GET /v1_1/… HTTP/1.1"), for what the page asked. */
  requests: string[];
}

// One registry per process, whatever module graph loads this file (the global setup and the browser commands both
// run in Vitest's main process but may load their own copies).
const REGISTRY = Symbol.for('signet.cuttingProxies');
const registry = globalThis as { [REGISTRY]?: Map<string, Proxy> };
registry[REGISTRY] ??= new Map();
const proxies: Map<string, Proxy> = registry[REGISTRY];
const REQUEST_LINE = /^(GET|POST|PUT|OPTIONS|HEAD|DELETE) (\S+) HTTP\/1\.1\r\n/;

/** Starts a proxy in front of `target` (an http URL); answers the proxy's URL. For Node-side setup too. */
export async function startCuttingProxy(target: string): Promise<string> {
  const { hostname, port } = new URL(target);
  const proxy: Proxy = { server: createServer(), sockets: new Set(), sent: 0, cuts: [], fired: [], requests: [] };
  proxy.server.on('connection', (client) => {
    if (proxy.down) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    proxy.sockets.add(client).add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => {
      proxy.sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => {
      proxy.sockets.delete(upstream);
      client.destroy();
    });
    client.on('error', cut);
    upstream.on('error', cut);
    let carried = 0;
    upstream.connect(Number(port), hostname, () => {
      client.on('data', (data: Buffer) => {
        const line = REQUEST_LINE.exec(data.toString('latin1', 0, Math.min(data.length, 2048)));
        if (line) {
          proxy.requests.push(`${line[1]} ${line[2]}`);
          noKeepAlive(data);
        }
        const before = proxy.sent;
        let at = proxy.cuts
          .filter((offset) => offset >= before && offset < before + data.length)
          .sort((a, b) => a - b)[0];
        if (proxy.downAt !== undefined && proxy.downAt >= before && proxy.downAt < before + data.length) {
          at = Math.min(at ?? Number.POSITIVE_INFINITY, proxy.downAt);
          proxy.downAt = undefined;
          proxy.down = true;
        }
        if (proxy.everyConnection !== undefined && carried + data.length > proxy.everyConnection)
          at = Math.min(at ?? Number.POSITIVE_INFINITY, before + proxy.everyConnection - carried);
        if (at !== undefined) {
          // Forward the bytes before the cut, then cut; later offsets stay armed for the next connections.
          if (proxy.cuts.includes(at)) proxy.cuts.splice(proxy.cuts.indexOf(at), 1);
          proxy.fired.push(at);
          proxy.sent = at;
          upstream.write(data.subarray(0, at - before), cut);
          client.removeAllListeners('data');
          return;
        }
        proxy.sent += data.length;
        carried += data.length;
        upstream.write(data);
      });
      upstream.on('data', (data: Buffer) => client.write(data));
      client.resume();
    });
    client.pause();
  });
  await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
  const address = proxy.server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  const url = `http://127.0.0.1:${address.port}`;
  proxies.set(url, proxy);
  return url;
}

function get(url: string): Proxy {
  const proxy = proxies.get(url);
  if (!proxy) throw new Error(`no proxy at ${url}`);
  return proxy;
}

/**
 * Rewrites `Connection: keep-alive` to `Connection: close` in place (same length, so offsets hold): the server then
 * closes after each answer and Chromium never reuses a connection. On a reused one it would quietly send a cut
 * request again itself, and the widget would not see that cut.
 */
function noKeepAlive(data: Buffer): void {
  const head = data.toString('latin1', 0, Math.min(data.length, 8192));
  const at = head.search(/\r\nConnection: keep-alive\r\n/i);
  if (at >= 0) data.write('\r\nConnection: close     \r\n', at, 'latin1');
}

/** Starts a proxy in front of `target`; answers its URL. */
export const proxyStart: BrowserCommand<[target: string]> = (_context, target) => startCuttingProxy(target);

/** Cuts the connection carrying client byte `sent + offset` for each offset given (relative to now). */
export const proxyCutAfter: BrowserCommand<[url: string, offsets: number[]]> = (_context, url, offsets) => {
  const proxy = get(url);
  proxy.cuts.push(...offsets.map((offset) => proxy.sent + offset));
};

/** Cuts every connection, from now on, once it has carried `bytes` client bytes. */
export const proxyCutEvery: BrowserCommand<[url: string, bytes: number]> = (_context, url, bytes) => {
  get(url).everyConnection = bytes;
};

/** What the proxy saw: client bytes, cuts fired (as offsets since start) and request lines. */
export const proxyStats: BrowserCommand<[url: string]> = (_context, url) => {
  const { sent, fired, requests, cuts } = get(url);
  return { sent, fired, requests, pending: cuts.length };
};

export const proxyStop: BrowserCommand<[url: string]> = (_context, url) => stopCuttingProxy(url);

export async function stopCuttingProxy(url: string): Promise<void> {
  const proxy = get(url);
  proxies.delete(url);
  for (const socket of proxy.sockets) socket.destroy();
  await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
}

/** Takes the network down once `offset` more client bytes have passed. */
export const proxyDownAfter: BrowserCommand<[url: string, offset: number]> = (_context, url, offset) => {
  const proxy = get(url);
  proxy.downAt = proxy.sent + offset;
};

/**
 * Takes the network behind the proxy down (connections cut, new ones refused) or brings it back. Chromium's own
 * offline emulation is not used: it would also cut the test runner's connection to the page.
 */
export const proxyDown: BrowserCommand<[url: string, down: boolean]> = (_context, url, down) => {
  const proxy = get(url);
  proxy.down = down;
  if (down) for (const socket of proxy.sockets) socket.destroy();
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    proxyStart(target: string): Promise<string>;
    proxyCutAfter(url: string, offsets: number[]): Promise<void>;
    proxyCutEvery(url: string, bytes: number): Promise<void>;
    proxyStats(url: string): Promise<{ sent: number; fired: number[]; requests: string[]; pending: number }>;
    proxyStop(url: string): Promise<void>;
    proxyDown(url: string, down: boolean): Promise<void>;
    proxyDownAfter(url: string, offset: number): Promise<void>;
  }
}

/** Every command above, for vitest.config.ts. */
export const cuttingProxyCommands = {
  proxyStart,
  proxyCutAfter,
  proxyCutEvery,
  proxyDown,
  proxyDownAfter,
  proxyStats,
  proxyStop,
};
