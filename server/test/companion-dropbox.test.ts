// Dropbox through Companion's unmodified Dropbox adapter, over real TLS to a fake Dropbox (test CA made now), in
// Node: sign-in (through the OAuth token websocket shim), listing, and an import whose bytes arrive intact.
// Companion keeps its OAuth (grant) settings in module state, so one Dropbox-enabled server serves this whole file.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SignetServer, startServer } from '../src/index.js';
import { makePng } from './fixtures/png.js';
import { dataState, signed } from './helpers.js';
import { awaitUpload, getBody } from './remote/companion-client.js';
import { runDropboxOAuth } from './remote/dropbox-flow.js';
import { type FakeDropbox, startFakeDropbox } from './remote/fake-dropbox.js';
import { redirectDropbox } from './remote/redirect-dropbox.mjs';
import { createTestCa, type TestCa } from './remote/test-ca.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const photo = makePng(40, 30);
const notes = Buffer.from('shopping list\n'.repeat(50));

let ca: TestCa;
let dropbox: FakeDropbox;
let restoreAgent: () => void;
let server: SignetServer;
let dataDir: string;
const logs: string[] = [];

beforeAll(async () => {
  ca = createTestCa();
  dropbox = await startFakeDropbox({
    ca,
    appKey: 'fake-app-key',
    appSecret: 'fake-app-secret',
    files: { '/photos/cat.png': photo, '/docs/notes.txt': notes },
  });
  restoreAgent = redirectDropbox({ port: dropbox.port, caPem: ca.caPem });
  dataDir = await mkdtemp(join(tmpdir(), 'signet-dropbox-'));
  server = await startServer({
    port: 0,
    dataDir,
    env: {},
    log: (line) => logs.push(line),
    config: { companion: { dropbox: { key: 'fake-app-key', secret: 'fake-app-secret' } } },
  });
});

afterAll(async () => {
  await server?.close();
  restoreAgent?.();
  await dropbox?.close();
  ca?.remove();
  await rm(dataDir, { recursive: true, force: true });
});

const companionUrl = () => `${server.url}/companion`;

async function signIn(): Promise<string> {
  const run = await runDropboxOAuth(companionUrl());
  expect(run.finalStatus).toBe(200);
  expect(run.messages).toHaveLength(1);
  const token = run.messages[0]?.token;
  expect(typeof token).toBe('string');
  return String(token);
}

async function list(token: string, path = '') {
  const response = await fetch(`${companionUrl()}/dropbox/list/${path}`, { headers: { 'uppy-auth-token': token } });
  const text = await response.text();
  return {
    status: response.status,
    body: (text.startsWith('{') ? JSON.parse(text) : {}) as {
      username?: string;
      items?: { name: string; requestPath: string; isFolder: boolean; size: number }[];
    },
  };
}

describe('Dropbox through Companion', () => {
  test('connect → sign in → list → pick → upload: the stored bytes equal the Dropbox file', async () => {
    const token = await signIn();
    const root = await list(token);
    expect(root.status).toBe(200);
    expect(root.body.username).toBe('tester@example.test');
    expect(root.body.items?.map((item) => [item.name, item.isFolder])).toEqual([
      ['docs', true],
      ['photos', true],
    ]);
    const photos = await list(token, encodeURIComponent('/photos'));
    const cat = photos.body.items?.[0];
    expect(cat).toMatchObject({ name: 'cat.png', isFolder: false, size: photo.byteLength });

    const fields = signed(server, { folder: 'from-dropbox', tags: 'pets' });
    const get = await fetch(`${companionUrl()}/dropbox/get/${cat?.requestPath}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'uppy-auth-token': token },
      body: JSON.stringify(getBody(server, { fileId: cat?.requestPath }, fields, 'image')),
    });
    expect(get.status).toBe(200);
    const outcome = await awaitUpload(server, String(((await get.json()) as { token: string }).token));
    expect(outcome).toMatchObject({ action: 'success' });

    const { rows } = await dataState(server);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ folder: 'from-dropbox', tags: ['pets'], resourceType: 'image' });
    const body = JSON.parse((outcome.payload.response as { responseText: string }).responseText) as {
      secure_url: string;
    };
    const delivered = new Uint8Array(await (await fetch(body.secure_url)).arrayBuffer());
    expect(sha256(delivered)).toBe(sha256(photo));
    expect(dropbox.calls).toEqual(
      expect.arrayContaining([
        'www.dropbox.com /oauth2/authorize',
        'api.dropbox.com /oauth2/token',
        'api.dropboxapi.com /2/users/get_current_account',
        'api.dropboxapi.com /2/files/list_folder',
        'content.dropboxapi.com /2/files/download',
      ]),
    );
  });

  test('a refused consent reaches the waiting page as PROVIDER_AUTH_FAILED, with no token', async () => {
    const run = await runDropboxOAuth(companionUrl(), { decision: 'cancel' });
    expect(run.finalStatus).toBe(400);
    expect(run.messages).toEqual([{ error: { code: 'PROVIDER_AUTH_FAILED', message: expect.any(String) } }]);
  });

  test('a missing or forged Companion token is 401 (Uppy shows the sign-in again)', async () => {
    expect((await fetch(`${companionUrl()}/dropbox/list/`)).status).toBe(401);
    expect((await list('forged.token.value')).status).toBe(401);
  });

  test('no access or refresh token appears in any server log line', async () => {
    expect(dropbox.issuedTokens.length).toBeGreaterThanOrEqual(2);
    const text = logs.join('\n');
    for (const token of dropbox.issuedTokens) expect(text).not.toContain(token);
    expect(text).not.toContain('fake-app-secret');
  });
});
