// SSRF through Companion's Web URL endpoints, end to end in Node: an injected resolver plays DNS, a connect spy sees
// every socket this process tries to open, and a canary server on loopback notices any request. Every refusal is
// URL_FORBIDDEN and happens before a connection towards the address is even attempted.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, onTestFinished, test } from 'vitest';
import type { Resolver } from '../src/companion/ssrf-guard.js';
import { expectNothingStored, signed, startTestServer, type TestServer } from './helpers.js';
import { getBody, postJson } from './remote/companion-client.js';
import { spyOnConnections } from './remote/connect-spy.js';
import { redirect, serve, startRemoteServer } from './remote/remote-server.js';

const portOf = (server: TestServer) => Number(new URL(server.url).port);

/** DNS for the tests: fixed answers, or a sequence (one answer per look-up), never the real resolver. */
function fakeDns(names: Record<string, string[] | string[][]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const served = new Map<string, number>();
  const resolve = async (host: string) => {
    calls.push(host);
    const entry = names[host];
    if (!entry) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    const index = served.get(host) ?? 0;
    served.set(host, index + 1);
    const list = Array.isArray(entry[0])
      ? ((entry as string[][])[Math.min(index, entry.length - 1)] ?? [])
      : (entry as string[]);
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
  };
  return Object.assign(resolve, { calls });
}

/** A loopback server that must never be reached: any request to it fails the test. */
async function startCanary(host = '127.0.0.1'): Promise<{ port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end('canary');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, hits };
}

/** Refused where Companion would fetch (`/url/get`, with a valid signature), 403 URL_FORBIDDEN. */
async function refusedWhenFetched(server: TestServer, url: string): Promise<void> {
  const get = await postJson(
    `${server.url}/companion/url/get`,
    getBody(server, { fileId: url, url }, signed(server, {})),
  );
  expect({ status: get.status, code: (get.body.error as { code?: string })?.code }).toEqual({
    status: 403,
    code: 'URL_FORBIDDEN',
  });
}

async function refusedOnBothEndpoints(server: TestServer, url: string): Promise<void> {
  const meta = await postJson(`${server.url}/companion/url/meta`, { url });
  // /url/meta carries the code where Uppy's request client reads it (top level) as well.
  expect({ status: meta.status, code: meta.body.code, inner: (meta.body.error as { code?: string })?.code }).toEqual({
    status: 403,
    code: 'URL_FORBIDDEN',
    inner: 'URL_FORBIDDEN',
  });
  const get = await postJson(
    `${server.url}/companion/url/get`,
    getBody(server, { fileId: url, url }, signed(server, {})),
  );
  expect({ status: get.status, code: (get.body.error as { code?: string })?.code }).toEqual({
    status: 403,
    code: 'URL_FORBIDDEN',
  });
}

describe('forbidden addresses, in every notation, on a production-like server (allowLocalUrls off)', async () => {
  const dns = fakeDns({
    'localhost.example.com': ['127.0.0.1'],
    'public-then-private.example.com': ['93.184.216.34', '10.0.0.7'],
    'internal.example.com': ['192.168.0.10'],
    'metadata.example.com': ['169.254.169.254'],
    'cgnat.example.com': ['100.64.1.2'],
    'mapped.example.com': ['::ffff:127.0.0.1'],
    'ula.example.com': ['fd12:3456::1'],
  });

  const cases = (canary: number, canary6: number) => [
    // loopback
    `http://127.0.0.1:${canary}/`,
    `http://2130706433:${canary}/`,
    `http://0177.0.0.1:${canary}/`,
    `http://0x7f000001:${canary}/`,
    `http://0x7f.0.0.1:${canary}/`,
    `http://127.1:${canary}/`,
    `http://017700000001:${canary}/`,
    `http://[::1]:${canary6}/`,
    `http://[0:0:0:0:0:0:0:1]:${canary6}/`,
    `http://[::ffff:127.0.0.1]:${canary}/`,
    `http://[::ffff:7f00:1]:${canary}/`,
    `http://[::127.0.0.1]:${canary}/`,
    `http://0.0.0.0:${canary}/`,
    `http://0:${canary}/`,
    `http://localhost.example.com:${canary}/`,
    `http://mapped.example.com:${canary}/`,
    // private
    'http://10.0.0.1/',
    'http://167772161/',
    'http://012.0.0.1/',
    'http://0x0a000001/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://[::ffff:192.168.1.1]/',
    'http://internal.example.com/',
    'https://public-then-private.example.com/photo.jpg',
    // link-local and cloud metadata
    'http://169.254.169.254/latest/meta-data/',
    'http://2852039166/latest/meta-data/',
    'http://0xa9fea9fe/latest/meta-data/',
    'http://0251.0376.0251.0376/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/latest/meta-data/',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://metadata.example.com/latest/meta-data/',
    // carrier-grade NAT
    'http://100.64.0.1/',
    'http://1681915905/',
    'http://0x64400001/',
    'http://cgnat.example.com/',
    // multicast, broadcast, unique local
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://[ff02::1]/',
    'http://[fc00::1]/',
    'http://ula.example.com/',
    // not http(s), or with credentials
    'file:///etc/passwd',
    'ftp://93.184.216.34/file',
    'gopher://93.184.216.34:70/_',
    'http://user:secret@93.184.216.34/',
  ];

  test('each is refused with 403 URL_FORBIDDEN before any connection towards it', async () => {
    const canary = await startCanary();
    const canary6 = await startCanary('::1');
    const server = await startTestServer({ resolveHost: dns });
    const spy = spyOnConnections();
    for (const url of cases(canary.port, canary6.port)) {
      await refusedOnBothEndpoints(server, url).catch((error: Error) => {
        throw new Error(`${url}: ${error.message}`);
      });
    }
    expect(spy.unexpected([portOf(server)])).toEqual([]);
    expect([...canary.hits, ...canary6.hits]).toEqual([]);
    await expectNothingStored(server);
  });
});

describe('checked again when connecting: redirects and DNS rebinding (test mode: loopback is the "internet")', () => {
  async function setUp(names: Record<string, string[] | string[][]>) {
    const canary = await startCanary();
    const remote = await startRemoteServer();
    const dns = fakeDns({ 'files.example.test': ['127.0.0.1'], ...names });
    const server = await startTestServer({
      testMode: true,
      resolveHost: dns,
      config: { companion: { allowLocalUrls: true } },
    });
    const spy = spyOnConnections();
    return { canary, remote, dns, server, spy };
  }

  test.each([
    ['a metadata literal', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a decimal private literal', () => 'http://167772161/'],
    ['an IPv4-mapped loopback literal', (canary: number) => `http://[::ffff:127.0.0.1]:${canary}/`],
    ['a name resolving to a private address', (canary: number) => `http://internal.example.com:${canary}/`],
  ])('a redirect to %s is refused at connect time with URL_FORBIDDEN', async (_what, target) => {
    const { canary, remote, server, spy } = await setUp({ 'internal.example.com': ['10.0.0.9'] });
    remote.route('/hop', redirect(target(canary.port)));
    remote.route('/start', redirect(`http://files.example.test:${remote.port}/hop`, 301));
    // /url/meta fetches nothing, so only the import can meet the redirect.
    const url = `http://files.example.test:${remote.port}/start`;
    expect((await postJson(`${server.url}/companion/url/meta`, { url })).status).toBe(200);
    expect(remote.requests).toEqual([]);
    await refusedWhenFetched(server, url);
    // Companion followed the first hops (they are allowed here) and stopped at the forbidden one.
    expect(remote.requests).toContain('GET /hop');
    expect(spy.unexpected([portOf(server), remote.port])).toEqual([]);
    expect(canary.hits).toEqual([]);
    await expectNothingStored(server);
  });

  test('a name that answers public for the check and private for the connection (rebinding) is refused', async () => {
    const { canary, server, spy, dns } = await setUp({
      'rebind.example.com': [['93.184.216.34'], ['10.0.0.1']],
    });
    await refusedWhenFetched(server, `http://rebind.example.com:${canary.port}/a.png`);
    // Looked up twice: by the check on the request, then by the connection itself, which got the private answer.
    expect(dns.calls.filter((name) => name === 'rebind.example.com')).toHaveLength(2);
    expect(spy.unexpected([portOf(server)])).toEqual([]);
    expect(canary.hits).toEqual([]);
  });

  test('test mode opens loopback, nothing else: a name resolving to a public address passes the check', async () => {
    const { remote, server } = await setUp({});
    remote.route('/ok.txt', serve(remote, Buffer.from('ok'), 'text/plain'));
    const url = `http://files.example.test:${remote.port}/ok.txt`;
    const meta = await postJson(`${server.url}/companion/url/meta`, { url });
    // From the URL alone: the host is not asked until the import.
    expect(meta).toMatchObject({
      status: 200,
      body: { name: 'ok.txt', type: 'text/plain; charset=utf-8', size: null },
    });
    expect(remote.requests).toEqual([]);
    const get = await postJson(`${server.url}/companion/url/get`, getBody(server, { url }, signed(server, {})));
    expect(get.status).toBe(200);
    expect(remote.requests).toContain('GET /ok.txt');
  });
});
