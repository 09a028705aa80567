// Records every TCP connection this process tries to open (the host it was given, and each address it then tried),
// independently of the code under test: it wraps net.Socket#connect, which plain sockets, TLS and every HTTP client
// go through. SSRF tests allow loopback connections to the ports they name and fail on anything else.
import net from 'node:net';
import { onTestFinished } from 'vitest';

export interface ConnectAttempt {
  /** What the socket was asked to connect to (a name or a literal). */
  host: string;
  port: number;
  /** An address it actually went for (after look-up), when there was one. */
  address?: string;
}

export interface ConnectSpy {
  readonly attempts: readonly ConnectAttempt[];
  /** Addresses tried that are not loopback on one of `allowedPorts`. */
  unexpected(allowedPorts: readonly number[]): ConnectAttempt[];
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

/** Installs the spy for the current test (removed when it ends). */
export function spyOnConnections(): ConnectSpy {
  const attempts: ConnectAttempt[] = [];
  const proto = net.Socket.prototype as unknown as { connect: (...args: unknown[]) => net.Socket };
  const original = proto.connect;
  proto.connect = function spiedConnect(this: net.Socket, ...args: unknown[]) {
    const options = connectOptions(args);
    if (options) {
      const host = String(options.host ?? 'localhost');
      const port = Number(options.port);
      attempts.push({ host, port, ...(net.isIP(host) ? { address: host } : {}) });
      this.on('lookup', (error: Error | null, address: string | { address: string }[]) => {
        if (error) return;
        for (const entry of Array.isArray(address) ? address : [{ address }])
          attempts.push({ host, port, address: entry.address });
      });
      this.on('connectionAttempt', (address: string, attemptPort: number) =>
        attempts.push({ host, port: attemptPort, address }),
      );
    }
    return original.apply(this, args);
  };
  onTestFinished(() => {
    proto.connect = original;
  });
  return {
    attempts,
    // A name alone opens nothing; what counts is each address a socket went for.
    unexpected: (allowedPorts) =>
      attempts.filter(
        ({ address, port }) => address !== undefined && !(LOOPBACK.has(address) && allowedPorts.includes(port)),
      ),
  };
}

function connectOptions(args: unknown[]): { host?: unknown; port?: unknown; path?: unknown } | null {
  let first = args[0];
  // net.connect() hands Socket#connect its already normalized [options, callback].
  if (Array.isArray(first)) first = first[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: unknown; port?: unknown; path?: unknown };
    return options.path ? null : options;
  }
  if (typeof first === 'number' || typeof first === 'string')
    return { port: first, host: typeof args[1] === 'string' ? args[1] : 'localhost' };
  return null;
}
