// Manual moderation end to end: a preset puts new assets in `pending`; the admin API approves or rejects them;
// rejected assets are not delivered and not publicly listed; listings show the status.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { DeepPartial, ServerConfig, SignetServer } from '../src/index.js';
import { makePng } from './fixtures/png.js';
import { expectError, type JsonResponse, signedUpload, startTestServer } from './helpers.js';

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const png = makePng(20, 20);

function moderatedServer(more: DeepPartial<ServerConfig> = {}): Promise<SignetServer & { logs: string[] }> {
  return startTestServer({ config: { presets: { review: { moderation: 'manual', folder: 'ugc' } }, ...more } });
}

async function admin(server: SignetServer, method: string, path: string, token?: string): Promise<JsonResponse> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token ?? server.credentials.admin_token}` },
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function listed(server: SignetServer, path: string): Promise<Record<string, string>> {
  const response = path.startsWith('/api/admin/')
    ? await admin(server, 'GET', path)
    : { body: (await (await fetch(`${server.url}${path}`)).json()) as Record<string, unknown> };
  const resources = response.body.resources as { public_id: string; status: string }[];
  return Object.fromEntries(resources.map((resource) => [resource.public_id, resource.status]));
}

describe('manual moderation', () => {
  test('pending → approve: delivered throughout, the listing follows the status', async () => {
    const server = await moderatedServer();
    const upload = await signedUpload(
      server,
      { upload_preset: 'review', public_id: 'pic' },
      { data: png, name: 'a.png' },
    );
    expect(upload.body).toMatchObject({ public_id: 'ugc/pic', moderation: [{ kind: 'manual', status: 'pending' }] });
    const url = upload.body.secure_url as string;

    // Pending assets are delivered, as on Cloudinary, but never cached without asking again.
    const pending = await fetch(url);
    expect(pending.status).toBe(200);
    expect(pending.headers.get('cache-control')).toBe('no-cache');
    expect(md5(new Uint8Array(await pending.arrayBuffer()))).toBe(md5(png));
    expect(await listed(server, '/api/assets')).toEqual({ 'ugc/pic': 'pending' });
    expect(await listed(server, '/api/admin/assets?status=pending')).toEqual({ 'ugc/pic': 'pending' });

    const approved = await admin(server, 'POST', '/api/admin/assets/image/ugc/pic/approve');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      public_id: 'ugc/pic',
      status: 'approved',
      moderation_status: 'approved',
      moderation: [{ kind: 'manual', status: 'approved' }],
    });
    const delivered = await fetch(url);
    expect(delivered.status).toBe(200);
    expect(delivered.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await listed(server, '/api/assets')).toEqual({ 'ugc/pic': 'approved' });
    expect(await listed(server, '/api/admin/assets?status=pending')).toEqual({});
  });

  test('reject: delivery answers 404 (versioned or not), the public listing drops it, the admin listing shows it', async () => {
    const server = await moderatedServer();
    const upload = await signedUpload(
      server,
      { upload_preset: 'review', public_id: 'bad' },
      { data: png, name: 'a.png' },
    );
    await signedUpload(server, { public_id: 'fine' }, { data: png, name: 'b.png' });
    const rejected = await admin(server, 'POST', '/api/admin/assets/image/ugc/bad/reject');
    expect(rejected.body).toMatchObject({ status: 'rejected', moderation: [{ kind: 'manual', status: 'rejected' }] });

    const base = `${server.url}/${server.credentials.cloud_name}/image/upload`;
    for (const url of [upload.body.secure_url as string, `${base}/ugc/bad.png`, `${base}/ugc/bad`]) {
      const response = await fetch(url);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
    expect((await fetch(upload.body.secure_url as string, { method: 'HEAD' })).status).toBe(404);
    expect(await listed(server, '/api/assets')).toEqual({ fine: 'active' });
    expect(await listed(server, '/api/admin/assets')).toEqual({ fine: 'active', 'ugc/bad': 'rejected' });
    expect(await listed(server, '/api/admin/assets?status=rejected,pending')).toEqual({ 'ugc/bad': 'rejected' });

    // A later approval brings it back.
    await admin(server, 'POST', '/api/admin/assets/image/ugc/bad/approve');
    expect((await fetch(upload.body.secure_url as string)).status).toBe(200);
  });

  test('an unmoderated asset can be taken down by rejecting it', async () => {
    const server = await moderatedServer();
    const upload = await signedUpload(server, { public_id: 'plain' }, { data: png, name: 'a.png' });
    expect(upload.body).not.toHaveProperty('moderation');
    await admin(server, 'POST', '/api/admin/assets/image/plain/reject');
    expect((await fetch(upload.body.secure_url as string)).status).toBe(404);
  });

  test('with deliverPending off, pending assets are not delivered until approved', async () => {
    const server = await moderatedServer({ assets: { deliverPending: false } });
    const upload = await signedUpload(
      server,
      { upload_preset: 'review', public_id: 'wait' },
      { data: png, name: 'a.png' },
    );
    expect((await fetch(upload.body.secure_url as string)).status).toBe(404);
    expect(await listed(server, '/api/assets')).toEqual({});
    await admin(server, 'POST', '/api/admin/assets/image/ugc/wait/approve');
    expect((await fetch(upload.body.secure_url as string)).status).toBe(200);
  });

  test('the moderation API needs the admin token, and 404s an unknown asset or status', async () => {
    const server = await moderatedServer();
    await signedUpload(server, { upload_preset: 'review', public_id: 'x' }, { data: png, name: 'a.png' });
    expectError(
      await admin(server, 'POST', '/api/admin/assets/image/ugc/x/reject', 'wrong-token'),
      401,
      'UNAUTHENTICATED',
    );
    expectError(
      await admin(server, 'POST', '/api/admin/assets/image/ugc/x/reject', server.credentials.demo_token),
      401,
      'UNAUTHENTICATED',
    );
    const anonymous = await fetch(`${server.url}/api/admin/assets/image/ugc/x/reject`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect((await admin(server, 'GET', '/api/admin/assets?status=pending')).body.resources).toHaveLength(1);
    expectError(await admin(server, 'POST', '/api/admin/assets/image/ugc/none/approve'), 404, 'NOT_FOUND');
    expectError(await admin(server, 'POST', '/api/admin/assets/video/ugc/x/approve'), 404, 'NOT_FOUND');
    expectError(await admin(server, 'GET', '/api/admin/assets?status=deleted'), 400, 'PARAM_INVALID');
    expect(await listed(server, '/api/admin/assets')).toEqual({ 'ugc/x': 'pending' });
  });
});
