/**
 * The SSRF guard at connect time. Companion builds its own HTTP agents and offers no hook for their DNS look-up,
 * so while Companion handles a Web URL request (and only then: `runGuarded`), every connection it opens passes
 * through here: an IP literal is judged as it is, a name is resolved by *our* resolver and refused when any of its
 * addresses is blocked. That covers each redirect hop and a name that resolves differently the second time (DNS
 * rebinding). Outside a guarded scope the wrapped `createConnection` is the original one, unchanged.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import type { UploadError } from 'signet-upload/protocol';
import { type AddressPolicy, assertFetchableAddress, type Resolver, resolveOrFail, unbracket } from './ssrf-guard.js';

export interface GuardScope {
  readonly resolve: Resolver;
  readonly policy: AddressPolicy;
  /** Off once the response is on its way: later connections (Companion's upload to our own endpoint) are not fetches. */
  active: boolean;
  /** The first refusal at connect time, so the route can answer URL_FORBIDDEN instead of Companion's generic 500. */
  refusal: UploadError | null;
  /** Connections opened for the fetch, closed if the request fails (Companion leaves a refused download open). */
  readonly sockets: Set<Socket>;
  /** A connection that moves no byte for this long is closed. */
  readonly idleMs: number;
  /** Called once no connection of the fetch is open any more (after at least one was). */
  onIdle?: () => void;
}

const storage = new AsyncLocalStorage<GuardScope>();
const INSTALLED = Symbol.for('signet-upload.connect-guard');

export function newGuardScope(resolve: Resolver, policy: AddressPolicy, idleMs = 30_000): GuardScope {
  return { resolve, policy, active: true, refusal: null, sockets: new Set(), idleMs };
}

/** Runs `fn` (Companion's handler) so that the connections it opens, now or later in its async chain, are guarded. */
export function runGuarded<T>(scope: GuardScope, fn: () => T): T {
  installConnectGuard();
  return storage.run(scope, fn);
}

type CreateConnection = (this: http.Agent, options: Record<string, unknown>, callback?: unknown) => Socket | undefined;

/** Wraps `createConnection` of Node's HTTP and HTTPS agents once per process; idempotent. */
export function installConnectGuard(): void {
  for (const Agent of [http.Agent, https.Agent]) {
    const proto = Agent.prototype as unknown as { createConnection: CreateConnection } & Record<symbol, boolean>;
    if (proto[INSTALLED]) continue;
    const original = proto.createConnection;
    proto.createConnection = function guardedCreateConnection(options, callback) {
      const scope = storage.getStore();
      if (!scope?.active) return original.call(this, options, callback);
      const host = unbracket(String(options.host ?? options.hostname ?? 'localhost'));
      try {
        if (isIP(host)) assertFetchableAddress(host, scope.policy, 'A redirect or the URL');
      } catch (error) {
        scope.refusal ??= error as UploadError;
        // The agent's own contract for a failed connection: call back with the error, return nothing.
        (callback as (error: Error) => void)(error as Error);
        return undefined;
      }
      const socket = original.call(this, { ...options, lookup: guardedLookup(scope) }, callback);
      if (socket) {
        scope.sockets.add(socket);
        // A download nobody reads (a client that never connects its progress socket) ends instead of hanging on.
        socket.setTimeout(scope.idleMs, () => socket.destroy());
        socket.once('close', () => {
          scope.sockets.delete(socket);
          if (scope.sockets.size === 0) scope.onIdle?.();
        });
      }
      return socket;
    };
    proto[INSTALLED] = true;
  }
}

/** `net`'s look-up hook: our resolver, every address checked, then answered in the shape `net` asked for. */
function guardedLookup(scope: GuardScope): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback) => {
    resolveOrFail(scope.resolve, hostname).then(
      (addresses) => {
        try {
          for (const { address } of addresses) assertFetchableAddress(address, scope.policy, `The host ${hostname}`);
        } catch (error) {
          scope.refusal ??= error as UploadError;
          callback(error as NodeJS.ErrnoException, '', 0);
          return;
        }
        const family = Number(String(options.family ?? 0).replace('IPv', ''));
        const usable = family === 4 || family === 6 ? addresses.filter((entry) => entry.family === family) : addresses;
        if (usable.length === 0) {
          callback(Object.assign(new Error(`No IPv${family} address for ${hostname}.`), { code: 'ENOTFOUND' }), '', 0);
        } else if (options.all) {
          (callback as unknown as (error: null, all: readonly { address: string; family: number }[]) => void)(
            null,
            usable,
          );
        } else {
          callback(null, usable[0]?.address ?? '', usable[0]?.family ?? 4);
        }
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  }) as unknown as LookupFunction;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string, family: number) => void;
