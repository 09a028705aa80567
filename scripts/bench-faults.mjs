// `npm run bench:faults`: faults and load against the reference server, measured (issue 17, security cases 30–36).
// The server is the built CLI in a child process on 127.0.0.1 (disk store, SQLite), so it can be killed and its
// memory read from /proc; the clients are plain Node HTTP, behaving as the widget will (Cloudinary's chunked protocol,
// jittered exponential backoff, the status query to resume). Scenarios:
//   cut at 10/50/99 %   a loopback proxy cuts the connection once the upload has sent that share of its bytes; the cut
//                       is silent (the server is not told, as when a network goes away), so the server still believes
//                       the chunk is arriving; the client backs off, asks the status, re-sends what is missing
//   server kill         SIGKILL of the server at 40 %, restarted on the same data directory behind the same proxy
//   200 concurrent      mixed single and chunked uploads at once: zero loss (every answer 200, every asset listed),
//                       zero corruption (every stored file delivered and hashed), server RSS sampled every 100 ms
//   slow-loris          300 sockets (half trickling headers, half trickling a body) while a normal upload proceeds:
//                       its throughput against the same upload alone, and how long the server keeps the loris sockets
// Prints a table and writes .bench/faults.json. BENCH_FAULTS_MIB sets the resumable file's size (default 64),
// BENCH_FAULTS_LORIS_SECONDS how long the loris is watched (default 75). Loopback only.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { connect, createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const MiB = 1024 * 1024;
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const fileSize = Number(process.env.BENCH_FAULTS_MIB ?? 64) * MiB;
const lorisSeconds = Number(process.env.BENCH_FAULTS_LORIS_SECONDS ?? 75);
const CHUNK = 8 * MiB;
const TOKEN = 'bench-faults-admin-token';
const RSS_BOUND = 512 * MiB;
const deadline = setTimeout(() => {
  console.error('bench-faults: gave up after 20 minutes');
  process.exit(2);
}, 20 * 60_000);
deadline.unref();

const work = await mkdtemp(join(tmpdir(), 'signet-faults-'));
const cleanups = [() => rm(work, { recursive: true, force: true })];
const rows = [];
const results = {};
/** The built server's own signing function (Cloudinary's algorithm). */
let sign;

try {
  // The server as it ships (the CLI bundle), built from the current sources into server/.bench (git-ignored).
  const dist = join(root, 'server/.bench/dist');
  const started = Date.now();
  await build({
    configFile: join(root, 'server/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: dist, emptyOutDir: true },
  });
  console.log(`server built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  ({ sign } = await import(join(dist, 'index.js')));
  const configFile = join(work, 'config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      users: { [TOKEN]: { id: 'bench', role: 'admin' } },
      limits: { maxFileSize: 1024 * MiB },
    }),
  );

  /** A server child process on `dataDir`; resolves once it listens. */
  async function startServer(dataDir) {
    const begun = performance.now();
    const child = spawn(
      process.execPath,
      [join(dist, 'cli.js'), '--port', '0', '--data', dataDir, '--config', configFile],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    let output = '';
    const url = await new Promise((resolveUrl, reject) => {
      const read = (chunk) => {
        output += chunk.toString();
        const match = /^signet-server listening on (http:\/\/\S+)$/m.exec(output);
        if (match) resolveUrl(match[1]);
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', (code) => reject(new Error(`signet-server exited (${code}):\n${output}`)));
    });
    child.stdout.removeAllListeners('data');
    child.stderr.removeAllListeners('data');
    child.stdout.resume();
    child.stderr.on('data', (chunk) => {
      if (process.env.BENCH_DEBUG) process.stderr.write(`server: ${chunk}`);
    });
    const credentials = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8'));
    const server = {
      child,
      url,
      port: Number(new URL(url).port),
      credentials,
      startMs: performance.now() - begun,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      },
      async kill() {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGKILL');
        await exited;
      },
    };
    cleanups.push(() => server.stop());
    return server;
  }

  // ---- the scenarios ---------------------------------------------------------------------------------------------
  {
    const dataDir = join(work, 'resume');
    await mkdir(dataDir);
    const server = await startServer(dataDir);
    let upstreamPort = server.port;
    const proxy = await cuttingProxy(() => upstreamPort);
    cleanups.push(() => proxy.close());
    const base = `http://127.0.0.1:${proxy.port}`;
    results.cuts = [];
    for (const share of [0.1, 0.5, 0.99]) {
      const data = randomBytes(fileSize);
      const fields = signed(server, { public_id: `cut/${share}` });
      proxy.reset();
      proxy.cutAt(Math.floor(share * fileSize), 'silent');
      const outcome = await resumableUpload(base, server.credentials, fields, data, `cut-${Math.round(share * 100)}`);
      const stored = await storedMd5(server, outcome.answer);
      const ok = outcome.answer?.etag === md5(data) && stored === md5(data);
      const row = {
        scenario: `cut at ${Math.round(share * 100)} %`,
        ok,
        seconds: outcome.seconds,
        detail:
          `${outcome.retries} status ${outcome.retries === 1 ? 'query' : 'queries'}, ${mb(outcome.sent - fileSize)} re-sent; ` +
          `${outcome.arriving ? `the cut chunk still "arriving" on the server, taken over by its retry` : 'no session yet (first chunk): its retry took the reservation over'}`,
      };
      rows.push(row);
      results.cuts.push({ share, ...outcome, answer: undefined, ok, fileBytes: fileSize });
    }
    proxy.reset();

    // SIGKILL at 40 %, then the same data directory again behind the same address.
    let current = server;
    const data = randomBytes(fileSize);
    const fields = signed(server, { public_id: 'killed/upload' });
    let restart = null;
    proxy.onSent(Math.floor(0.4 * fileSize), () => {
      restart = (async () => {
        const killedAt = performance.now();
        await current.kill();
        current = await startServer(dataDir);
        upstreamPort = current.port;
        return { downMs: performance.now() - killedAt, startMs: current.startMs };
      })();
    });
    const outcome = await resumableUpload(base, server.credentials, fields, data, 'killed-upload');
    const restarted = await restart;
    const stored = await storedMd5(current, outcome.answer);
    const ok =
      outcome.answer?.etag === md5(data) && stored === md5(data) && (await assetCount(current, 'killed/')) === 1;
    rows.push({
      scenario: 'server SIGKILL at 40 %',
      ok,
      seconds: outcome.seconds,
      detail: `down ${(restarted.downMs / 1000).toFixed(2)} s (restart ${(restarted.startMs / 1000).toFixed(2)} s), ${outcome.retries} status queries, ${mb(outcome.sent - fileSize)} re-sent, 1 asset`,
    });
    results.kill = { ...outcome, answer: undefined, ...restarted, ok };
    await current.stop();
    await proxy.close();
  }

  {
    const dataDir = join(work, 'load');
    await mkdir(dataDir);
    const server = await startServer(dataDir);
    await sleep(1000);
    const idleRss = rss(server.child.pid);
    const samples = [];
    const sampler = setInterval(() => samples.push(rss(server.child.pid)), 100);
    const load = await concurrentUploads(server, 200);
    clearInterval(sampler);
    const peak = Math.max(...samples);
    const listed = await assetCount(server, 'load/');
    const corrupt = load.uploads.filter((upload) => upload.stored !== upload.md5).length;
    const failed = load.uploads.filter((upload) => upload.status !== 200).length;
    const ok = failed === 0 && corrupt === 0 && listed === 200 && peak < RSS_BOUND;
    rows.push({
      scenario: '200 concurrent mixed uploads',
      ok,
      seconds: load.seconds,
      detail: `${mb(load.bytes)} in ${load.kinds}; ${failed} failed, ${200 - listed} lost, ${corrupt} corrupt; RSS ${mb(idleRss)} idle, ${mb(peak)} peak (bound ${mb(RSS_BOUND)})`,
    });
    results.load = {
      ok,
      seconds: load.seconds,
      bytes: load.bytes,
      failed,
      lost: 200 - listed,
      corrupt,
      idleRss,
      peakRss: peak,
      rssSamples: samples.length,
      rssBound: RSS_BOUND,
    };
    await server.stop();
  }

  {
    const dataDir = join(work, 'loris');
    await mkdir(dataDir);
    const server = await startServer(dataDir);
    const size = 256 * MiB;
    await timedUpload(server, size, 'warm-up');
    const alone = [];
    for (let i = 0; i < 3; i++) alone.push(await timedUpload(server, size, `alone-${i}`));
    const loris = await slowLoris(server, 300);
    await sleep(2000);
    const open = loris.open();
    const during = [];
    for (let i = 0; i < 3; i++) during.push(await timedUpload(server, size, `during-${i}`));
    await sleep(Math.max(0, lorisSeconds * 1000 - (performance.now() - loris.startedAt)));
    const watched = loris.stop();
    // Alone again afterwards, so neither side has the quieter disk or the warmer caches to itself.
    for (let i = 3; i < 6; i++) alone.push(await timedUpload(server, size, `alone-${i}`));
    const rate = (runs) => median(runs.map((run) => run.mbps));
    // Every upload whole, every loris socket closed by the server, the normal upload at least half as fast.
    const ok =
      [...alone, ...during].every((run) => run.ok) &&
      watched.headers.closed === watched.headers.count &&
      watched.bodies.closed === watched.bodies.count &&
      rate(during) >= rate(alone) / 2;
    rows.push({
      scenario: 'slow-loris, 300 sockets',
      ok,
      seconds: (performance.now() - loris.startedAt) / 1000,
      detail:
        `256 MiB upload ${rate(during).toFixed(0)} MB/s during vs ${rate(alone).toFixed(0)} MB/s alone (medians of 3 during, 6 alone before and after) ` +
        `(${((rate(during) / rate(alone)) * 100).toFixed(0)} %); ${open} loris sockets connected; ` +
        `after ${watched.seconds.toFixed(0)} s the server had closed ${watched.headers.closed}/${watched.headers.count} ` +
        `header-tricklers (by ${watched.headers.lastCloseSeconds.toFixed(0)} s) and ` +
        `${watched.bodies.closed}/${watched.bodies.count} body-tricklers (by ${watched.bodies.lastCloseSeconds.toFixed(0)} s)`,
    });
    results.loris = { ok, alone, during, open, ...watched };
    await server.stop();
  }

  printTable(rows);
  await mkdir(join(root, '.bench'), { recursive: true });
  await writeFile(
    join(root, '.bench/faults.json'),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, loadavg: loadavg(), rows, results }, null, 2)}\n`,
  );
  console.log('wrote .bench/faults.json');
  process.exitCode = rows.every((row) => row.ok) ? 0 : 1;
} finally {
  for (const step of cleanups.reverse()) await step().catch(() => {});
}

/** The parameters with a fresh timestamp, the API key and a signature, as a trusted backend signs them. */
function signed(server, params) {
  const all = { timestamp: Math.floor(Date.now() / 1000), ...params };
  return {
    ...Object.fromEntries(Object.entries(all).map(([key, value]) => [key, String(value)])),
    api_key: server.credentials.api_key,
    signature: sign(all, server.credentials.api_secret),
  };
}

// ---- clients ---------------------------------------------------------------------------------------------------

/**
 * Cloudinary's chunked protocol as the widget speaks it: chunks one after another, each on its own connection; on a
 * failure, jittered exponential backoff, then the status query, then whatever the server does not have yet.
 */
async function resumableUpload(base, credentials, fields, data, uploadId) {
  const begun = performance.now();
  const url = `${base}/v1_1/${credentials.cloud_name}/raw/upload`;
  const plan = [];
  for (let start = 0; start < data.length; start += CHUNK) plan.push([start, Math.min(data.length, start + CHUNK)]);
  let received = [];
  let retries = 0;
  let sent = 0;
  let arriving = 0;
  let answer = null;
  const has = ([start, end]) => received.some((span) => span.start <= start && span.end >= end - 1);
  while (!answer) {
    const next = plan.find((chunk) => !has(chunk));
    try {
      const [start, end] = next;
      const range = `bytes ${start}-${end - 1}/${data.length}`;
      sent += end - start;
      const reply = await postForm(url, fields, data.subarray(start, end), {
        'X-Unique-Upload-Id': uploadId,
        'Content-Range': range,
      });
      if (reply.status !== 200) throw new Error(`chunk ${range}: ${reply.status} ${JSON.stringify(reply.body)}`);
      if (end === data.length) answer = reply.body;
      else received = [...received, { start, end: end - 1 }];
    } catch (error) {
      if (process.env.BENCH_DEBUG) console.error(`${uploadId}: ${error.message}`);
      // Nothing more is sent until the server says what it has (it may be restarting: keep asking, backing off).
      for (let status = null; status === null; ) {
        retries++;
        if (retries > 30) throw new Error(`${uploadId}: gave up after ${retries} retries`);
        await sleep(backoff(retries));
        status = await getJson(`${url}?${new URLSearchParams(fields)}`, { 'X-Unique-Upload-Id': uploadId }).catch(
          () => null,
        );
        if (status?.status === 200) {
          received = status.body.received;
          arriving += status.body.arriving.length;
          if (status.body.done) answer = status.body.response;
        } else if (status?.status === 404) received = [];
        else status = null;
      }
    }
  }
  return { answer, retries, sent, arriving, seconds: (performance.now() - begun) / 1000 };
}

/** Jittered exponential backoff: 200 ms doubling up to 5 s, each between half and one and a half of that. */
function backoff(attempt) {
  const ceiling = Math.min(5000, 200 * 2 ** (attempt - 1));
  return ceiling * (0.5 + Math.random());
}

/** Mixed uploads all at once; each generated on the fly (never all in memory) and hashed as it is sent. */
async function concurrentUploads(server, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: count });
  const template = randomBytes(MiB);
  const kinds = { small: 0, medium: 0, chunked: 0 };
  const specs = Array.from({ length: count }, (_, i) => {
    if (i % 10 < 6) return { i, kind: 'small', size: 1024 + Math.floor(Math.random() * 511 * 1024) };
    if (i % 10 < 9) return { i, kind: 'medium', size: 2 * MiB + Math.floor(Math.random() * 10 * MiB) };
    return { i, kind: 'chunked', size: 20 * MiB + Math.floor(Math.random() * 12 * MiB) };
  });
  for (const spec of specs) kinds[spec.kind]++;
  const begun = performance.now();
  const uploads = await Promise.all(
    specs.map(async (spec) => {
      const bytesAt = (start, end) => generated(template, spec.i, start, end);
      const fields = signed(server, { public_id: `load/${spec.kind}-${spec.i}` });
      const url = `${server.url}/v1_1/${server.credentials.cloud_name}/raw/upload`;
      const hash = createHash('md5');
      let reply;
      if (spec.kind === 'chunked') {
        const step = 6 * MiB;
        for (let start = 0; start < spec.size; start += step) {
          const end = Math.min(spec.size, start + step);
          const body = bytesAt(start, end);
          hash.update(body);
          reply = await postForm(
            url,
            fields,
            body,
            {
              'X-Unique-Upload-Id': `load-${spec.i}`,
              'Content-Range': `bytes ${start}-${end - 1}/${spec.size}`,
            },
            agent,
          );
          if (reply.status !== 200) break;
        }
      } else {
        const body = bytesAt(0, spec.size);
        hash.update(body);
        reply = await postForm(url, fields, body, {}, agent);
      }
      return {
        ...spec,
        status: reply.status,
        etag: reply.body.etag,
        url: reply.body.secure_url,
        md5: hash.digest('hex'),
      };
    }),
  );
  const seconds = (performance.now() - begun) / 1000;
  // Every stored file, as delivered, hashed.
  for (let i = 0; i < uploads.length; i += 20)
    await Promise.all(
      uploads.slice(i, i + 20).map(async (upload) => {
        upload.stored = upload.status === 200 ? await storedMd5(server, { secure_url: upload.url }) : null;
      }),
    );
  agent.destroy();
  const bytes = specs.reduce((sum, spec) => sum + spec.size, 0);
  return {
    uploads,
    seconds,
    bytes,
    kinds: `${kinds.small} small (≤ 0.5 MiB), ${kinds.medium} medium (2–12 MiB), ${kinds.chunked} chunked (20–32 MiB)`,
  };
}

/** Bytes [start, end) of upload `index`: the template with the upload and MiB numbers stamped into each MiB. */
function generated(template, index, start, end) {
  const out = Buffer.allocUnsafe(end - start);
  for (let offset = start; offset < end; ) {
    const block = Math.floor(offset / MiB);
    const within = offset - block * MiB;
    const take = Math.min(MiB - within, end - offset);
    const piece = Buffer.from(template.subarray(0, MiB));
    piece.writeUInt32LE(index, 0);
    piece.writeUInt32LE(block, 4);
    piece.copy(out, offset - start, within, within + take);
    offset += take;
  }
  return out;
}

/** One single-request upload of `size` bytes; MB/s from the first byte sent to the answer. */
async function timedUpload(server, size, name) {
  const data = generated(randomBytes(MiB), 7, 0, size);
  const fields = signed(server, { public_id: `loris/${name}` });
  const begun = performance.now();
  const reply = await postForm(`${server.url}/v1_1/${server.credentials.cloud_name}/raw/upload`, fields, data);
  const seconds = (performance.now() - begun) / 1000;
  return { ok: reply.status === 200 && reply.body.etag === md5(data), seconds, mbps: size / 1e6 / seconds };
}

/**
 * `count` sockets: half send a request's headers one line every 10 s, half send whole headers (a 100 MB multipart
 * upload) and then one body byte every 10 s. Records when the server closes each.
 */
async function slowLoris(server, count) {
  const startedAt = performance.now();
  const sockets = [];
  const host = `127.0.0.1:${server.port}`;
  const path = `/v1_1/${server.credentials.cloud_name}/raw/upload`;
  for (let i = 0; i < count; i++) {
    const kind = i % 2 === 0 ? 'headers' : 'bodies';
    const socket = connect(server.port, '127.0.0.1');
    const entry = { kind, socket, connected: false, closedAt: null };
    socket.on('connect', () => {
      entry.connected = true;
      if (kind === 'headers') socket.write(`POST ${path} HTTP/1.1\r\nHost: ${host}\r\n`);
      else
        socket.write(
          `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: multipart/form-data; boundary=loris\r\n` +
            `Content-Length: 100000000\r\n\r\n--loris\r\nContent-Disposition: form-data; name="timestamp"\r\n\r\n1`,
        );
    });
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.on('close', () => {
      entry.closedAt ??= performance.now();
    });
    sockets.push(entry);
  }
  let line = 0;
  const trickle = setInterval(() => {
    line++;
    for (const entry of sockets) {
      if (entry.closedAt !== null || !entry.connected) continue;
      entry.socket.write(entry.kind === 'headers' ? `X-Loris-${line}: x\r\n` : '1');
    }
  }, 10_000);
  return {
    startedAt,
    open: () => sockets.filter((entry) => entry.connected && entry.closedAt === null).length,
    stop() {
      clearInterval(trickle);
      const now = performance.now();
      const summary = (kind) => {
        const mine = sockets.filter((entry) => entry.kind === kind);
        const closed = mine.filter((entry) => entry.closedAt !== null);
        return {
          count: mine.length,
          closed: closed.length,
          lastCloseSeconds: closed.length ? Math.max(...closed.map((entry) => (entry.closedAt - startedAt) / 1000)) : 0,
        };
      };
      const watched = { seconds: (now - startedAt) / 1000, headers: summary('headers'), bodies: summary('bodies') };
      for (const entry of sockets) entry.socket.destroy();
      return watched;
    },
  };
}

// ---- the proxy ---------------------------------------------------------------------------------------------------

/**
 * A TCP proxy on 127.0.0.1 to the server's current port. It counts the bytes clients send; `cutAt(n)` cuts the
 * connection carrying byte n once ('silent': the client's side is closed, the server's left hanging and fed nothing,
 * as when a network goes away; 'close': both closed). `onSent(n, fn)` calls fn once n bytes went through.
 */
async function cuttingProxy(upstreamPort) {
  let sent = 0;
  let cut = null;
  let watcher = null;
  const sockets = new Set();
  const proxy = createServer((client) => {
    const upstream = connect(upstreamPort(), '127.0.0.1');
    const dbg = (what) => process.env.BENCH_DEBUG && console.error(`proxy ${client.remotePort}: ${what}`);
    dbg(`new → ${upstreamPort()}`);
    upstream.on('connect', () => dbg('upstream connected'));
    upstream.on('close', () => dbg('upstream closed'));
    client.on('close', () => dbg('client closed'));
    upstream.on('error', (e) => dbg(`upstream error ${e.message}`));
    client.on('error', (e) => dbg(`client error ${e.message}`));
    upstream.on('end', () => dbg('upstream end'));
    sockets.add(client);
    sockets.add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    client.on('error', () => upstream.destroy());
    // The server may answer early and close while the client still sends: what it answered still goes through.
    upstream.on('error', () => client.end());
    upstream.on('data', (chunk) => client.write(chunk));
    upstream.on('end', () => client.end());
    client.on('end', () => upstream.end());
    client.on('data', (chunk) => {
      if (cut && sent + chunk.length >= cut.at) {
        const { mode, at } = cut;
        cut = null;
        upstream.write(chunk.subarray(0, Math.max(0, at - sent)));
        sent = at;
        client.destroy();
        if (mode === 'close') upstream.destroy();
        else upstream.removeAllListeners('data');
        return;
      }
      sent += chunk.length;
      upstream.write(chunk);
      if (watcher && sent >= watcher.at) {
        const { fn } = watcher;
        watcher = null;
        fn();
      }
    });
  });
  await new Promise((listening) => proxy.listen(0, '127.0.0.1', listening));
  return {
    port: proxy.address().port,
    reset() {
      sent = 0;
      cut = null;
      watcher = null;
    },
    cutAt(at, mode) {
      cut = { at, mode };
    },
    onSent(at, fn) {
      watcher = { at, fn };
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((closed) => proxy.close(() => closed()));
    },
  };
}

// ---- HTTP ------------------------------------------------------------------------------------------------------

/** A multipart POST (fields, then the file) with a Content-Length; a fresh connection unless an agent is given. */
function postForm(url, fields, file, headers = {}, agent = false) {
  const boundary = `----signet${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `${Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="data.bin"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolveReply, reject) => {
    let answered = false;
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          ...headers,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(head.length + file.length + tail.length),
        },
      },
      (res) => {
        answered = true;
        const pieces = [];
        res.on('data', (piece) => pieces.push(piece));
        res.on('end', () => {
          const text = Buffer.concat(pieces).toString();
          try {
            resolveReply({ status: res.statusCode, body: JSON.parse(text) });
          } catch {
            reject(new Error(`not JSON (${res.statusCode}): ${text.slice(0, 200)}`));
          }
        });
        res.on('error', reject);
      },
    );
    // A server may answer early (a refusal) and close before the body is sent: the answer is what counts.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.write(head);
    req.write(file);
    req.end(tail);
  });
}

function getJson(url, headers = {}) {
  return new Promise((resolveReply, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const pieces = [];
      res.on('data', (piece) => pieces.push(piece));
      res.on('end', () => {
        try {
          resolveReply({ status: res.statusCode, body: JSON.parse(Buffer.concat(pieces).toString()) });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** MD5 of an asset's bytes as the server delivers them (null when there is no answer to look at). */
async function storedMd5(server, answer) {
  if (!answer?.secure_url) return null;
  const response = await fetch(`${server.url}${new URL(answer.secure_url).pathname}`);
  return md5(Buffer.from(await response.arrayBuffer()));
}

/** How many assets the server lists whose public ID starts with `prefix`. */
async function assetCount(server, prefix) {
  let count = 0;
  let cursor = '';
  do {
    const response = await fetch(
      `${server.url}/api/assets?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      {
        headers: { authorization: `Bearer ${TOKEN}` },
      },
    );
    const page = await response.json();
    count += page.resources.filter((asset) => asset.public_id.startsWith(prefix)).length;
    cursor = page.next_cursor ?? '';
  } while (cursor);
  return count;
}

// ---- small things ------------------------------------------------------------------------------------------------

function md5(data) {
  return createHash('md5').update(data).digest('hex');
}

/** Resident memory of a process, in bytes (0 once it is gone). */
function rss(pid) {
  try {
    const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(line?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function mb(bytes) {
  return `${(bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0)} MiB`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}

function printTable(table) {
  const header = ['scenario', 'result', 'time', 'figures'];
  const lines = table.map((row) => [row.scenario, row.ok ? 'ok' : 'FAIL', `${row.seconds.toFixed(1)} s`, row.detail]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i].length)));
  const format = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}
