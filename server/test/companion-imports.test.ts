// Remote imports through Companion are authorised like uploads before anything is fetched, and what they fetch is
// bounded: an idle timeout on the download, and a cap on downloads running at once per client address.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, test } from 'vitest';
import { expectNothingStored, nowSeconds, signed, startTestServer } from './helpers.js';
import { getBody, postJson } from './remote/companion-client.js';
import { type RemoteServer, startRemoteServer } from './remote/remote-server.js';

const code = (body: Record<string, unknown>) => (body.error as { code?: string } | undefined)?.code;

/** Answers with headers and a first byte, then never another: a download nobody will finish. */
function stall(remote: RemoteServer) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '1000000' });
    res.write(Buffer.alloc(1));
    remote.sent.bytes += 1;
  };
}

function importServer(companion: Record<string, unknown> = {}) {
  return startTestServer({ testMode: true, config: { companion: { allowLocalUrls: true, ...companion } } });
}

describe('a remote import is authorised before any outbound request', () => {
  test.each([
    ['no signed parameters', true],
    ['a forged signature', false],
  ])('%s → 401, and the remote host is never asked (20 tries)', async (_what, withoutFields) => {
    const server = await importServer();
    const remote = await startRemoteServer();
    remote.route('/file.bin', stall(remote));
    const url = `${remote.origin}/file.bin`;
    for (let i = 0; i < 20; i++) {
      const fields = { ...signed(server, { public_id: `x${i}` }), signature: '0'.repeat(40) };
      const body = getBody(server, { fileId: url, url }, fields);
      const answer = await postJson(
        `${server.url}/companion/url/get`,
        withoutFields ? { ...body, metadata: undefined } : body,
      );
      expect({ status: answer.status, code: code(answer.body) }).toEqual({ status: 401, code: 'SIGNATURE_INVALID' });
    }
    expect(remote.requests).toEqual([]);
    await expectNothingStored(server);
  });

  test('an expired signature, or a declared size over the limit: refused, nothing fetched', async () => {
    const server = await startTestServer({
      testMode: true,
      config: { companion: { allowLocalUrls: true }, limits: { maxFileSize: 1000 } },
    });
    const remote = await startRemoteServer();
    remote.route('/file.bin', stall(remote));
    const url = `${remote.origin}/file.bin`;
    const stale = signed(server, { timestamp: nowSeconds() - 7200 });
    const expired = await postJson(`${server.url}/companion/url/get`, getBody(server, { url }, stale));
    expect({ status: expired.status, code: code(expired.body) }).toEqual({ status: 401, code: 'SIGNATURE_EXPIRED' });
    const big = { ...getBody(server, { url }, signed(server, {})), size: 1001 };
    const tooBig = await postJson(`${server.url}/companion/url/get`, big);
    expect({ status: tooBig.status, code: code(tooBig.body) }).toEqual({ status: 413, code: 'FILE_TOO_LARGE' });
    expect(remote.requests).toEqual([]);
  });
});

describe('what an import fetches is bounded', () => {
  test('a download whose client never connects is cut after the idle timeout', async () => {
    const server = await importServer({ idleSeconds: 1 });
    const remote = await startRemoteServer();
    remote.route('/file.bin', stall(remote));
    const url = `${remote.origin}/file.bin`;
    const answer = await postJson(`${server.url}/companion/url/get`, getBody(server, { url }, signed(server, {})));
    expect(answer.status).toBe(200);
    // Nobody opens the progress socket and nothing flows: the connection to the remote host closes by itself.
    await remote.aborted;
    expect(remote.requests).toEqual(['GET /file.bin']);
    await expectNothingStored(server);
  });

  test('each client address may have `importsPerCaller` downloads at once; one more is 429 with Retry-After', async () => {
    const server = await importServer({ importsPerCaller: 2, idleSeconds: 1 });
    const remote = await startRemoteServer();
    remote.route('/file.bin', stall(remote));
    const url = `${remote.origin}/file.bin`;
    const start = (i: number) =>
      postJson(`${server.url}/companion/url/get`, getBody(server, { url }, signed(server, { public_id: `p${i}` })));
    expect((await start(1)).status).toBe(200);
    expect((await start(2)).status).toBe(200);
    const third = await start(3);
    expect({ status: third.status, code: code(third.body) }).toEqual({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(remote.requests).toHaveLength(2);
    // Once the stalled downloads are cut, the address may import again.
    await expect.poll(async () => (await start(4)).status, { timeout: 20_000, interval: 500 }).toBe(200);
  });
});
