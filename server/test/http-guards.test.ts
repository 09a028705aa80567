// The guards in front of every route (issue "close what an outside attack found"): the Host check against DNS
// rebinding, CSRF decided by the credential actually used, and rate limits on signing and unsigned uploads.
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { StartOptions } from '../src/index.js';
import { makePng } from './fixtures/png.js';
import { dataState, expectError, nowSeconds, postUpload, signed, startTestServer, tempDir } from './helpers.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** A request with headers fetch would not let us set (Host). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const errorCode = (answer: Raw) => (answer.body.error as { code?: string } | undefined)?.code;

async function demoServer(options: StartOptions = {}) {
  const dir = await tempDir();
  await mkdir(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'index.html'), '<!doctype html><title>demo</title>');
  // No users configured: demo mode, where the page hands out the admin cookie.
  return startTestServer({ staticDir: join(dir, 'site'), ...options });
}

describe('the Host check (DNS rebinding)', () => {
  test('a page under another name gets 421 before any route: no cookie, no signature', async () => {
    const server = await demoServer();
    const port = new URL(server.url).port;
    const host = `rebind.example:${port}`;
    const page = await raw(`${server.url}/`, { headers: { Host: host } });
    expect({ status: page.status, code: errorCode(page) }).toEqual({ status: 421, code: 'HOST_NOT_ALLOWED' });
    expect(page.headers['set-cookie']).toBeUndefined();

    const demoToken = server.credentials.demo_token;
    const sign = await raw(`${server.url}/api/sign`, {
      method: 'POST',
      headers: {
        Host: host,
        Origin: `http://${host}`,
        Cookie: `signet_token=${demoToken}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ timestamp: nowSeconds() }),
    });
    expect({ status: sign.status, code: errorCode(sign) }).toEqual({ status: 421, code: 'HOST_NOT_ALLOWED' });
    expect(sign.body.signature).toBeUndefined();
  });

  test('loopback names and the listening address are answered; a configured list replaces them; "*" takes any', async () => {
    const server = await demoServer();
    const port = new URL(server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'LOCALHOST'])
      expect((await raw(`${server.url}/`, { headers: { Host: host } })).status, host).toBe(200);
    for (const host of ['evil.example', 'localhost.evil.example', `[::2]:${port}`, 'a@localhost', `127.0.0.2:${port}`])
      expect((await raw(`${server.url}/`, { headers: { Host: host } })).status, host).toBe(421);

    const listed = await demoServer({ config: { server: { allowedHosts: ['uploads.example.com'] } } });
    expect((await raw(`${listed.url}/`, { headers: { Host: 'uploads.example.com' } })).status).toBe(200);
    expect((await raw(`${listed.url}/`, { headers: { Host: 'localhost' } })).status).toBe(421);

    const any = await demoServer({ config: { server: { allowedHosts: ['*'] } } });
    expect((await raw(`${any.url}/`, { headers: { Host: 'whatever.example' } })).status).toBe(200);
  });
});

describe('CSRF by the credential actually used', () => {
  test('a bearer header beside a cookie-authenticating hook does not skip the check: the cookie decided, so 403', async () => {
    // A real app's hook: it knows people by their session cookie, and ignores Authorization.
    const server = await startTestServer({
      authenticate: (req) => (/session=alice/.test(req.headers.cookie ?? '') ? { id: 'alice', role: 'admin' } : null),
    });
    const attempt = (headers: Record<string, string>) =>
      raw(`${server.url}/api/sign`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: 'session=alice', ...headers },
        body: JSON.stringify({ timestamp: nowSeconds() }),
      });
    const forged = await attempt({ Authorization: 'Bearer anything', Origin: 'https://evil.example' });
    expect({ status: forged.status, code: errorCode(forged) }).toEqual({ status: 403, code: 'CSRF_FAILED' });
    // The same cookie from the page's own origin signs.
    const own = await attempt({ Origin: server.url });
    expect(own.status).toBe(200);
  });

  test('the reference server never falls back to the cookie when a bearer token is present but unknown', async () => {
    const server = await demoServer();
    const answer = await raw(`${server.url}/api/sign`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: 'Bearer anything',
        Cookie: `signet_token=${server.credentials.demo_token}`,
        Origin: 'https://evil.example',
      },
      body: JSON.stringify({ timestamp: nowSeconds() }),
    });
    expect({ status: answer.status, code: errorCode(answer) }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });
});

describe('rate limits', () => {
  const ALICE = 'alice-token-0123456789';
  const BOB = 'bob-token-0123456789ab';
  const users = { [ALICE]: { id: 'alice', role: 'admin' }, [BOB]: { id: 'bob', role: 'admin' } } as const;
  const signAs = (url: string, token: string) =>
    fetch(`${url}/api/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ timestamp: nowSeconds() }),
    });

  test('signing: per user, then per address, 429 RATE_LIMITED with Retry-After', async () => {
    const server = await startTestServer({
      config: {
        users,
        rateLimits: { sign: { perUser: { burst: 5, perMinute: 6 }, perAddress: { burst: 8, perMinute: 6 } } },
      },
    });
    for (let i = 0; i < 5; i++) expect((await signAs(server.url, ALICE)).status).toBe(200);
    const sixth = await signAs(server.url, ALICE);
    expect(sixth.status).toBe(429);
    expect(((await sixth.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Bob has his own allowance, until the address's is spent too (5 + 3 = 8).
    for (let i = 0; i < 3; i++) expect((await signAs(server.url, BOB)).status).toBe(200);
    expect((await signAs(server.url, BOB)).status).toBe(429);
  });

  test('on by default: a burst of 300 signing requests is cut', async () => {
    const server = await startTestServer({ config: { users } });
    const statuses = await Promise.all(
      Array.from({ length: 300 }, () => signAs(server.url, ALICE).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(100);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
  });

  test('uploads without a signature, per address (429, which the SDKs read); signed uploads are not counted', async () => {
    const server = await startTestServer({
      config: {
        presets: { open: { unsigned: true, folder: 'inbox' } },
        rateLimits: { unsignedUploads: { perAddress: { burst: 2, perMinute: 1 } } },
      },
    });
    const png = { data: makePng(4, 4), name: 'a.png' };
    expect((await postUpload(server, { upload_preset: 'open' }, png)).status).toBe(200);
    expect((await postUpload(server, { upload_preset: 'open' }, png)).status).toBe(200);
    const third = await postUpload(server, { upload_preset: 'open' }, png);
    expectError(third, 429, 'RATE_LIMITED');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await dataState(server)).rows).toHaveLength(2);
    expect((await postUpload(server, signed(server, { public_id: 'signed' }), png)).status).toBe(200);
  });
});
