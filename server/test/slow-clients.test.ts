// Slow clients (security case 33): the guarded HTTP server (slow-clients.ts) cuts clients that trickle headers or a
// body, and keeps sockets the server itself holds — a request it is still working on, a body it stopped reading for
// its own reasons — however long that takes. Short limits here; the server's are seconds and minutes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, expect, onTestFinished, test } from 'vitest';
import { createGuardedServer, type SlowClientLimits } from '../src/slow-clients.js';

const LIMITS: SlowClientLimits = {
  headersMs: 1000,
  idleMs: 1000,
  minBodyBytes: 1000,
  bodyWindowMs: 1000,
  checkMs: 100,
};
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A guarded server running `app`; its port. */
async function serve(app: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createGuardedServer(app, LIMITS);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  onTestFinished(
    () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  );
  return (server.address() as { port: number }).port;
}

/** Reads the whole body, then answers how many bytes it had (after `delayMs`, or pausing the body `pauseMs`). */
function counting(options: { delayMs?: number; pauseMs?: number } = {}) {
  return (req: IncomingMessage, res: ServerResponse) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    if (options.pauseMs) {
      req.pause();
      setTimeout(() => req.resume(), options.pauseMs);
    }
    req.on('end', () => setTimeout(() => res.end(String(bytes)), options.delayMs ?? 0));
  };
}

interface Raw {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
}

function raw(port: number): Raw {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  socket.on('error', () => {});
  const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
  onTestFinished(() => {
    socket.destroy();
  });
  return { socket, closed };
}

const head = (length: number) =>
  `POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;

/** Writes `text` a byte at a time every `everyMs` until the socket closes (or `text` ends). */
async function trickle(socket: Socket, text: string, everyMs: number): Promise<void> {
  for (const char of text) {
    if (socket.destroyed) return;
    socket.write(char);
    await sleep(everyMs);
  }
}

describe('the guarded HTTP server', () => {
  test('answers a body sent at a normal pace, and cuts one trickled a byte at a time (a body slow-loris)', async () => {
    const port = await serve(counting());
    const normal = raw(port);
    normal.socket.write(`${head(5000)}${'x'.repeat(5000)}`);
    expect(await normal.closed).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\n5000$/);

    const loris = raw(port);
    loris.socket.write(head(5000));
    void trickle(loris.socket, 'x'.repeat(5000), 50);
    // Closed without an answer, long before its 5000 bytes could arrive at this pace (250 s).
    expect(await loris.closed).toBe('');
  });

  test('cuts a client trickling its headers', async () => {
    const port = await serve(counting());
    const loris = raw(port);
    loris.socket.write('POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    void trickle(loris.socket, 'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n', 100);
    const answer = await loris.closed;
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  test('keeps a socket whose request the server works on for longer than the idle timeout, and answers it', async () => {
    const port = await serve(counting({ delayMs: 3 * LIMITS.idleMs }));
    const client = raw(port);
    client.socket.write(`${head(10)}0123456789`);
    expect(await client.closed).toMatch(/\r\n\r\n10$/);
  });

  test('keeps a body the server stops reading (its own backpressure) for longer than the rate window', async () => {
    const port = await serve(counting({ pauseMs: 3 * LIMITS.bodyWindowMs }));
    const client = raw(port);
    // More than the socket buffers take while paused, so the client has to wait for the server.
    const body = 'y'.repeat(4 * 1024 * 1024);
    client.socket.write(`${head(body.length)}${body}`);
    expect(await client.closed).toMatch(new RegExp(`\\r\\n\\r\\n${body.length}$`));
  });

  test('closes a client that stops in the middle of its body (idle on its part)', async () => {
    const port = await serve(counting());
    const client = raw(port);
    client.socket.write(`${head(100)}${'z'.repeat(50)}`);
    expect(await client.closed).toBe('');
  });
});
