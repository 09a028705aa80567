// POST /api/sign: who may ask for a signature, from where, and for what.
import { describe, expect, test } from 'vitest';
import type { AuthUser } from '../src/config.js';
import type { SignetServer } from '../src/index.js';
import { sign } from '../src/signing.js';
import { makePng } from './fixtures/png.js';
import { expectError, type JsonResponse, nowSeconds, postUpload, startTestServer } from './helpers.js';

const TOKEN = 'alice-token-0123456789';
const users: Record<string, AuthUser> = { [TOKEN]: { id: 'alice', role: 'admin' } };

async function callSign(
  server: SignetServer,
  body: unknown,
  headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` },
): Promise<JsonResponse> {
  const response = await fetch(`${server.url}/api/sign`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('POST /api/sign', () => {
  test('signs exactly the parameters sent, for a bearer token', async () => {
    const server = await startTestServer({ config: { users } });
    const params = { timestamp: nowSeconds(), source: 'signet', public_id: 'a', tags: ['x', 'y'] };
    const response = await callSign(server, params);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      signature: sign({ ...params, tags: 'x,y' }, server.credentials.api_secret),
      timestamp: params.timestamp,
      api_key: server.credentials.api_key,
      signature_algorithm: 'sha1',
    });
    expect(JSON.stringify(response.body)).not.toContain(server.credentials.api_secret);
  });

  test('gives a signature the upload endpoint accepts', async () => {
    const server = await startTestServer({ config: { users } });
    const params = { timestamp: nowSeconds(), source: 'signet', public_id: 'signed/by-endpoint', tags: 'a,b' };
    const { body } = await callSign(server, params);
    const fields = {
      ...Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)])),
      api_key: body.api_key as string,
      signature: body.signature as string,
    };
    const upload = await postUpload(server, fields, { data: makePng(5, 5), name: 'p.png' });
    expect(upload.status).toBe(200);
    expect(upload.body).toMatchObject({ public_id: 'signed/by-endpoint', tags: ['a', 'b'] });
  });

  test('without credentials → 401 UNAUTHENTICATED', async () => {
    const server = await startTestServer({ config: { users } });
    expectError(await callSign(server, { timestamp: nowSeconds() }, {}), 401, 'UNAUTHENTICATED');
    expectError(
      await callSign(server, { timestamp: nowSeconds() }, { Authorization: 'Bearer wrong-token-000000' }),
      401,
      'UNAUTHENTICATED',
    );
  });

  test('with the cookie from this origin signs; from another site → 403 CSRF_FAILED', async () => {
    const server = await startTestServer({ config: { users } });
    const cookie = `signet_token=${TOKEN}`;
    const same = await callSign(server, { timestamp: nowSeconds() }, { Cookie: cookie, Origin: server.url });
    expect(same.status).toBe(200);
    expect(same.headers.get('access-control-allow-credentials')).toBeNull();

    const cross = await callSign(
      server,
      { timestamp: nowSeconds() },
      { Cookie: cookie, Origin: 'https://evil.example' },
    );
    expectError(cross, 403, 'CSRF_FAILED');
    const noOrigin = await callSign(server, { timestamp: nowSeconds() }, { Cookie: cookie });
    expectError(noOrigin, 403, 'CSRF_FAILED');
  });

  test('a configured origin may use the cookie, and only it gets credentialed CORS', async () => {
    const origin = 'https://app.example';
    const server = await startTestServer({ config: { users, cors: { origins: [origin] } } });
    const response = await callSign(
      server,
      { timestamp: nowSeconds() },
      { Cookie: `signet_token=${TOKEN}`, Origin: origin },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');

    const preflight = await fetch(`${server.url}/api/sign`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://other.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('a bearer token works from any origin (CORS *, never with credentials)', async () => {
    const server = await startTestServer({ config: { users } });
    const response = await callSign(
      server,
      { timestamp: nowSeconds() },
      { Authorization: `Bearer ${TOKEN}`, Origin: 'https://evil.example' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('an authenticate hook replaces the token lookup; without a bearer header the origin check still applies', async () => {
    const server = await startTestServer({
      authenticate: (req) => (req.headers['x-session'] === 'ok' ? { id: 'hooked', role: 'admin' } : null),
    });
    const ok = { 'X-Session': 'ok', Origin: server.url };
    expect((await callSign(server, { timestamp: nowSeconds() }, ok)).status).toBe(200);
    expectError(
      await callSign(server, { timestamp: nowSeconds() }, { ...ok, 'X-Session': 'no' }),
      401,
      'UNAUTHENTICATED',
    );
    expectError(
      await callSign(server, { timestamp: nowSeconds() }, { ...ok, Origin: 'https://evil.example' }),
      403,
      'CSRF_FAILED',
    );
  });

  test('parameters a page may not set → 400 PARAM_NOT_ALLOWED listing them', async () => {
    const server = await startTestServer({ config: { users } });
    const response = await callSign(server, { timestamp: nowSeconds(), overwrite: true, notification_url: 'http://x' });
    expectError(response, 400, 'PARAM_NOT_ALLOWED');
    expect((response.body.error as { message: string }).message).toContain('overwrite, notification_url');
  });

  test.each([
    { name: 'no timestamp', body: { public_id: 'a' }, status: 400, code: 'PARAM_INVALID' },
    { name: 'a fractional timestamp', body: { timestamp: 1.5 }, status: 400, code: 'PARAM_INVALID' },
    { name: 'an old timestamp', body: { timestamp: nowSeconds() - 3601 }, status: 401, code: 'SIGNATURE_EXPIRED' },
    { name: 'a future timestamp', body: { timestamp: nowSeconds() + 600 }, status: 401, code: 'SIGNATURE_EXPIRED' },
    {
      name: 'an object value',
      body: { timestamp: nowSeconds(), context: { a: 1 } },
      status: 400,
      code: 'PARAM_INVALID',
    },
    {
      name: 'a bad public ID',
      body: { timestamp: nowSeconds(), public_id: 'a//b' },
      status: 400,
      code: 'PUBLIC_ID_INVALID',
    },
    { name: 'a bad folder', body: { timestamp: nowSeconds(), folder: '../x' }, status: 400, code: 'FOLDER_INVALID' },
    { name: 'a bad tag', body: { timestamp: nowSeconds(), tags: ['ok', 'a|b'] }, status: 400, code: 'TAG_INVALID' },
    {
      name: 'an array that is not tags',
      body: { timestamp: nowSeconds(), folder: ['a'] },
      status: 400,
      code: 'PARAM_INVALID',
    },
    { name: 'a JSON array', body: [1], status: 400, code: 'BAD_REQUEST' },
    { name: 'broken JSON', body: '{"timestamp":', status: 400, code: 'BAD_REQUEST' },
  ])('$name → $status $code', async ({ body, status, code }) => {
    const server = await startTestServer({ config: { users } });
    expectError(await callSign(server, body), status, code);
  });

  test('requires application/json and at most 16 KiB', async () => {
    const server = await startTestServer({ config: { users } });
    const form = await fetch(`${server.url}/api/sign`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'timestamp=1',
    });
    expect(form.status).toBe(400);
    const huge = await callSign(server, { timestamp: nowSeconds(), display_name: 'x'.repeat(17 * 1024) });
    expectError(huge, 400, 'BAD_REQUEST');
  });

  test('answers 405 to anything but POST', async () => {
    const server = await startTestServer({ config: { users } });
    const response = await fetch(`${server.url}/api/sign`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, OPTIONS');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
  });

  test('in demo mode (no users configured) the generated demo token is an admin', async () => {
    const server = await startTestServer();
    const response = await callSign(
      server,
      { timestamp: nowSeconds() },
      { Authorization: `Bearer ${server.credentials.demo_token}` },
    );
    expect(response.status).toBe(200);
    const configured = await startTestServer({ config: { users } });
    expectError(
      await callSign(
        configured,
        { timestamp: nowSeconds() },
        { Authorization: `Bearer ${configured.credentials.demo_token}` },
      ),
      401,
      'UNAUTHENTICATED',
    );
  });
});
