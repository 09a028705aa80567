// A fake Dropbox over real TLS on 127.0.0.1, speaking the documented HTTP API that Companion's Dropbox adapter
// calls (https://www.dropbox.com/developers/documentation/http/documentation): OAuth 2 authorize (a consent page
// with an Allow and a Cancel button) and token (code and refresh grants), users/get_current_account,
// files/list_folder (+ /continue), files/get_metadata, files/download, files/get_thumbnail_v2, auth/token/revoke.
// Requests are routed by their Host (the certificate covers Dropbox's four host names). It records what it was
// asked and every token it issued, so tests can look for them in logs.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestCa } from './test-ca.js';

export interface FakeDropboxOptions {
  ca: TestCa;
  appKey: string;
  appSecret: string;
  /** Path (lower case, from the root: `/photos/cat.png`) → bytes. Folders are implied. */
  files: Record<string, Uint8Array>;
}

export interface FakeDropbox {
  port: number;
  /** `host path`, in order. */
  calls: string[];
  /** Every access and refresh token handed out. */
  issuedTokens: string[];
  close(): Promise<void>;
}

interface Entry {
  '.tag': 'file' | 'folder';
  name: string;
  path_lower: string;
  path_display: string;
  id: string;
  size?: number;
  server_modified?: string;
  client_modified?: string;
  rev?: string;
  is_downloadable?: boolean;
  content_hash?: string;
}

export async function startFakeDropbox(options: FakeDropboxOptions): Promise<FakeDropbox> {
  const calls: string[] = [];
  const issuedTokens: string[] = [];
  const codes = new Map<string, string>(); // code → redirect_uri
  const accessTokens = new Set<string>();
  const refreshTokens = new Set<string>();
  const account = {
    account_id: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc',
    name: {
      given_name: 'Test',
      surname: 'Person',
      familiar_name: 'Test',
      display_name: 'Test Person',
      abbreviated_name: 'TP',
    },
    email: 'tester@example.test',
    email_verified: true,
    disabled: false,
    country: 'FR',
    locale: 'en',
    account_type: { '.tag': 'basic' },
    root_info: { '.tag': 'user', root_namespace_id: '3235641', home_namespace_id: '3235641' },
  };
  const modified = '2026-01-01T10:00:00Z';

  const entriesOf = (folder: string): Entry[] => {
    const prefix = folder === '' ? '/' : `${folder}/`;
    const seen = new Map<string, Entry>();
    for (const [path, data] of Object.entries(options.files)) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const [name = '', ...deeper] = rest.split('/');
      const childPath = `${prefix}${name}`;
      if (deeper.length > 0) {
        seen.set(childPath, {
          '.tag': 'folder',
          name,
          path_lower: childPath,
          path_display: childPath,
          id: idOf(childPath),
        });
      } else {
        seen.set(childPath, {
          '.tag': 'file',
          name,
          path_lower: childPath,
          path_display: childPath,
          id: idOf(childPath),
          size: data.byteLength,
          server_modified: modified,
          client_modified: modified,
          rev: '015f1f9a3d4e1b0000000010a1b2c3d',
          is_downloadable: true,
          content_hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        });
      }
    }
    return [...seen.values()];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const url = new URL(req.url ?? '/', `https://${host}`);
    calls.push(`${host} ${url.pathname}`);
    const body = await readAll(req);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(value));
    };
    const apiError = (status: number, summary: string) =>
      json(status, { error_summary: summary, error: { '.tag': summary.split('/')[0] } });

    if (host === 'www.dropbox.com' && url.pathname === '/oauth2/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== options.appKey || q.get('response_type') !== 'code' || !q.get('redirect_uri')) {
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end('invalid authorize request');
        return;
      }
      const decide = (allow: boolean) =>
        `/oauth2/decide?${new URLSearchParams({ ...Object.fromEntries(q), allow: allow ? '1' : '0' })}`;
      res
        .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><title>Dropbox (fake)</title><h1>Allow “Signet” to access your files?</h1>` +
            `<a id="allow" href="${escapeHtml(decide(true))}">Allow</a> <a id="cancel" href="${escapeHtml(decide(false))}">Cancel</a>`,
        );
      return;
    }
    if (host === 'www.dropbox.com' && url.pathname === '/oauth2/decide') {
      const q = url.searchParams;
      const target = new URL(q.get('redirect_uri') ?? '');
      if (q.get('allow') === '1') {
        const code = randomBytes(16).toString('hex');
        codes.set(code, target.href);
        target.searchParams.set('code', code);
      } else {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set(
          'error_description',
          'The user chose not to give your app access to their Dropbox account.',
        );
      }
      if (q.get('state')) target.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { Location: target.href }).end();
      return;
    }
    if ((host === 'api.dropbox.com' || host === 'api.dropboxapi.com') && url.pathname === '/oauth2/token') {
      const form = new URLSearchParams(body.toString('utf8'));
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
      const clientId = form.get('client_id') ?? basicId;
      const clientSecret = form.get('client_secret') ?? basicSecret;
      if (clientId !== options.appKey || clientSecret !== options.appSecret) {
        json(400, { error: 'invalid_client', error_description: 'Invalid client_id or client_secret' });
        return;
      }
      const grant = form.get('grant_type');
      if (grant === 'authorization_code') {
        const code = form.get('code') ?? '';
        if (!codes.has(code) || codes.get(code) !== form.get('redirect_uri')) {
          json(400, { error: 'invalid_grant', error_description: "code doesn't exist or has expired" });
          return;
        }
        codes.delete(code);
        const accessToken = `sl.fake-access-${randomBytes(24).toString('hex')}`;
        const refreshToken = `fake-refresh-${randomBytes(24).toString('hex')}`;
        accessTokens.add(accessToken);
        refreshTokens.add(refreshToken);
        issuedTokens.push(accessToken, refreshToken);
        json(200, {
          access_token: accessToken,
          token_type: 'bearer',
          expires_in: 14400,
          refresh_token: refreshToken,
          scope: 'account_info.read files.content.read files.metadata.read',
          uid: '12345',
          account_id: account.account_id,
        });
        return;
      }
      if (grant === 'refresh_token' && refreshTokens.has(form.get('refresh_token') ?? '')) {
        const accessToken = `sl.fake-access-${randomBytes(24).toString('hex')}`;
        accessTokens.add(accessToken);
        issuedTokens.push(accessToken);
        json(200, { access_token: accessToken, token_type: 'bearer', expires_in: 14400 });
        return;
      }
      json(400, { error: 'invalid_grant' });
      return;
    }

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !accessTokens.has(bearer)) {
      apiError(401, 'invalid_access_token/');
      return;
    }
    const args = (): Record<string, unknown> =>
      JSON.parse(
        req.headers['dropbox-api-arg'] ? String(req.headers['dropbox-api-arg']) : body.toString('utf8') || '{}',
      );

    if (host === 'api.dropboxapi.com') {
      switch (url.pathname) {
        case '/2/users/get_current_account':
          json(200, account);
          return;
        case '/2/files/list_folder': {
          const path = String(args().path ?? '').toLowerCase();
          if (path !== '' && !Object.keys(options.files).some((file) => file.startsWith(`${path}/`))) {
            apiError(409, 'path/not_found/..');
            return;
          }
          json(200, { entries: entriesOf(path), cursor: `cursor:${path}`, has_more: false });
          return;
        }
        case '/2/files/list_folder/continue':
          json(200, { entries: [], cursor: String(args().cursor), has_more: false });
          return;
        case '/2/files/get_metadata': {
          const path = String(args().path ?? '').toLowerCase();
          const data = options.files[path];
          if (!data) apiError(409, 'path/not_found/..');
          else
            json(
              200,
              entriesOf(path.slice(0, path.lastIndexOf('/'))).find((entry) => entry.path_lower === path),
            );
          return;
        }
        case '/2/auth/token/revoke':
          accessTokens.delete(bearer);
          json(200, null);
          return;
      }
    }
    if (host === 'content.dropboxapi.com' && url.pathname === '/2/files/download') {
      const path = String(args().path ?? '').toLowerCase();
      const data = options.files[path];
      if (!data) {
        apiError(409, 'path/not_found/');
        return;
      }
      const meta = entriesOf(path.slice(0, path.lastIndexOf('/'))).find((entry) => entry.path_lower === path);
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': data.byteLength,
        'Dropbox-API-Result': JSON.stringify(meta),
      });
      res.end(data);
      return;
    }
    if (host === 'content.dropboxapi.com' && url.pathname === '/2/files/get_thumbnail_v2') {
      // The "thumbnail" of an image is the image itself (browsers sniff PNG behind a JPEG content type).
      const resource = args().resource as { path?: string } | undefined;
      const data = options.files[String(resource?.path ?? '').toLowerCase()];
      if (!data || !/\.(png|jpe?g)$/.test(String(resource?.path))) apiError(409, 'path/unsupported_content/');
      else
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': data.byteLength }).end(data);
      return;
    }
    apiError(404, 'not_found/');
  };

  const server: Server = createServer({ key: options.ca.leafKey, cert: options.ca.leafPem }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    calls,
    issuedTokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function idOf(path: string): string {
  return `id:${Buffer.from(path).toString('base64url').slice(0, 22)}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
