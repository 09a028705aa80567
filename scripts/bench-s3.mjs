// `node scripts/bench-s3.mjs`: direct-to-S3 upload throughput in Chromium, all on 127.0.0.1. One file, the same in
// every case, uploaded through the reference server's presign endpoints to radosgw:
//   xhr-put        a raw XMLHttpRequest PUT of the File to one presigned URL (the browser's ceiling)
//   uppy-put       @uppy/aws-s3 single PUT through src/backends/s3.ts (start → sign → PUT → complete)
//   uppy-parts-1   @uppy/aws-s3 multipart, parts one after another (the plugin as published)
//   uppy-parts-N   @uppy/aws-s3 multipart with parallelizeParts (N parts in flight)
//   xhr-parts-N    the same multipart upload as raw XMLHttpRequests (N parts in flight): what radosgw allows
// Round-robin, first round discarded, medians reported as MB/s and as a ratio to uppy-put and xhr-put.
// Uses SIGNET_TEST_S3_ENDPOINT (+ _ACCESS_KEY_ID/_SECRET_ACCESS_KEY) when set, else starts radosgw with
// server/scripts/services/rgw.sh (root, Debian) and stops it at the end. Bounded: BENCH_S3_MIB (default 64, max 512),
// BENCH_S3_ROUNDS (default 4, max 10), BENCH_S3_PART_MIB (default 8), BENCH_S3_PARALLEL (default 4).
// Writes .bench/s3.json.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { rolldown } from 'rolldown';
import { chromiumArgs, chromiumPath } from './chromium.mjs';
import { run } from './run.mjs';

const MiB = 1024 * 1024;
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const sizeMiB = Math.min(512, Number(process.env.BENCH_S3_MIB ?? 64));
const rounds = Math.min(10, Math.max(2, Number(process.env.BENCH_S3_ROUNDS ?? 4)));
const partMiB = Math.max(5, Number(process.env.BENCH_S3_PART_MIB ?? 8));
const parallel = Math.max(2, Number(process.env.BENCH_S3_PARALLEL ?? 4));
const deadline = setTimeout(() => {
  console.error('bench-s3: gave up after 15 minutes');
  process.exit(2);
}, 15 * 60_000);
deadline.unref();

const work = await mkdtemp(join(tmpdir(), 'signet-bench-s3-'));
const cleanups = [() => rm(work, { recursive: true, force: true })];
const cleanup = async () => {
  for (const step of cleanups.reverse()) await step().catch(() => {});
};

try {
  // ---- S3 ------------------------------------------------------------------------------------------------------
  let endpoint = process.env.SIGNET_TEST_S3_ENDPOINT;
  let accessKeyId = process.env.SIGNET_TEST_S3_ACCESS_KEY_ID || 'TESTACCESSKEY';
  let secretAccessKey = process.env.SIGNET_TEST_S3_SECRET_ACCESS_KEY || 'TESTSECRETKEY';
  if (!endpoint) {
    const env = {
      ...process.env,
      SIGNET_RGW_DIR: join(work, 'rgw'),
      SIGNET_RGW_PORT: String(await freePort()),
      SIGNET_RGW_MON_PORT: String(await freePort()),
    };
    const started = Date.now();
    const line = await sh(join(root, 'server/scripts/services/rgw.sh'), ['start'], env);
    cleanups.push(() => sh(join(root, 'server/scripts/services/rgw.sh'), ['stop'], env));
    console.log(`radosgw started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    endpoint = /endpoint=(\S+)/.exec(line)?.[1];
    accessKeyId = /access_key=(\S+)/.exec(line)?.[1] ?? accessKeyId;
    secretAccessKey = /secret_key=(\S+)/.exec(line)?.[1] ?? secretAccessKey;
  }
  if (!endpoint || !new URL(endpoint).hostname.match(/^(127\.0\.0\.1|localhost|\[::1\])$/))
    throw new Error(`bench-s3 runs on loopback only; the S3 endpoint is ${endpoint}`);

  // The built server package (Node 20 runs no TypeScript); built here when missing.
  if (!existsSync(join(root, 'server/dist/index.js'))) await run('node', [join(root, 'scripts/build.mjs')]);
  const { startServer } = await import(join(root, 'server/dist/index.js'));
  const sdk = await import('@aws-sdk/client-s3');
  // The bench's own client, configured as the server configures its (checksums only where S3 requires them).
  const s3 = new sdk.S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const bucket = `signet-bench-${Date.now().toString(36)}`;
  await s3.send(new sdk.CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new sdk.PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: ['*'],
            AllowedMethods: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'],
            AllowedHeaders: ['*'],
            ExposeHeaders: ['ETag'],
          },
        ],
      },
    }),
  );
  const emptyBucket = async () => {
    for (;;) {
      const page = await s3.send(new sdk.ListObjectsV2Command({ Bucket: bucket }));
      const objects = (page.Contents ?? []).map((o) => ({ Key: o.Key }));
      if (!objects.length) return;
      await s3.send(new sdk.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
    }
  };
  cleanups.push(async () => {
    await emptyBucket();
    await s3.send(new sdk.DeleteBucketCommand({ Bucket: bucket }));
  });

  // ---- page ----------------------------------------------------------------------------------------------------
  const site = join(work, 'site');
  await mkdir(site);
  await bundle(
    `import Uppy from '@uppy/core';
     import { installS3Backend } from ${JSON.stringify(join(root, 'src/backends/s3.ts'))};
     window.SignetBench = { Uppy, installS3Backend };`,
    { platform: 'browser', file: join(site, 'bench.js'), format: 'iife' },
  );
  await writeFile(
    join(site, 'index.html'),
    '<!doctype html><meta charset="utf-8"><input type="file" id="file"><script src="bench.js"></script>',
  );

  // ---- server --------------------------------------------------------------------------------------------------
  const token = randomBytes(18).toString('base64url');
  const server = await startServer({
    port: 0,
    dataDir: join(work, 'data'),
    staticDir: site,
    env: {},
    log: () => {},
    config: {
      users: { [token]: { id: 'bench', role: 'admin' } },
      limits: { maxFileSize: 1024 * MiB },
      storage: {
        kind: 's3',
        s3: { endpoint, region: 'us-east-1', bucket, accessKeyId, secretAccessKey, forcePathStyle: true },
      },
    },
  });
  cleanups.push(() => server.close());

  // ---- payload and browser -------------------------------------------------------------------------------------
  const payload = join(work, 'payload.bin');
  await new Promise((done, fail) => {
    const out = createWriteStream(payload);
    out.on('error', fail).on('finish', done);
    for (let i = 0; i < sizeMiB; i++) out.write(randomBytes(MiB));
    out.end();
  });
  const context = await chromium.launchPersistentContext(join(work, 'profile'), {
    headless: true,
    executablePath: chromiumPath(),
    args: chromiumArgs,
  });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  await page.goto(`${server.url}/index.html`);
  await page.setInputFiles('#file', payload);

  const cases = ['xhr-put', `xhr-parts-${parallel}`, 'uppy-put', 'uppy-parts-1', `uppy-parts-${parallel}`];
  const samples = Object.fromEntries(cases.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of cases) {
      const ms = await Promise.race([
        page.evaluate(runCase, { name, token, partSize: partMiB * MiB }),
        new Promise((_, fail) => setTimeout(() => fail(new Error(`${name} took over 2 minutes`)), 120_000).unref()),
      ]);
      if (process.env.BENCH_S3_VERBOSE) console.log(`  ${name}: ${ms.toFixed(0)} ms`);
      if (round > 0) samples[name].push((sizeMiB * MiB) / 1e6 / (ms / 1000));
      await emptyBucket();
    }
    console.log(
      `round ${round}${round === 0 ? ' (warm-up, discarded)' : ''}: ${cases.map((n) => `${n} ${samples[n].at(-1)?.toFixed(0) ?? '-'}`).join(', ')} MB/s`,
    );
  }
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const results = {
    file_mib: sizeMiB,
    part_mib: partMiB,
    parallel_parts: parallel,
    rounds: rounds - 1,
    median_mb_s: Object.fromEntries(cases.map((n) => [n, +median(samples[n]).toFixed(1)])),
  };
  const m = results.median_mb_s;
  results.ratio_to_uppy_put = Object.fromEntries(cases.map((n) => [n, +(m[n] / m['uppy-put']).toFixed(2)]));
  results.ratio_to_xhr_put = Object.fromEntries(cases.map((n) => [n, +(m[n] / m['xhr-put']).toFixed(2)]));
  console.log(JSON.stringify(results, null, 2));
  await mkdir(join(root, '.bench'), { recursive: true });
  await writeFile(join(root, '.bench/s3.json'), `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await cleanup();
}

/** Runs in the page: one upload of the chosen file, in milliseconds from start to the server's answer. */
async function runCase({ name, token, partSize }) {
  const file = document.querySelector('#file').files[0];
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const post = async (path, body) => {
    const response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const sign = (params) => post('/api/sign', params);
  const started = performance.now();
  if (name === 'xhr-put') {
    const signed = await sign({ timestamp: Math.floor(Date.now() / 1000) - Math.floor(Math.random() * 600) });
    const session = await post('/api/s3/start', {
      params: { ...signed, timestamp: signed.timestamp },
      file: { name: file.name, size: file.size, type: file.type },
    });
    const { url, headers: signedHeaders } = await post('/api/s3/sign', {
      token: session.token,
      key: session.key,
      method: 'PUT',
    });
    await new Promise((done, fail) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', url);
      for (const [key, value] of Object.entries(signedHeaders ?? {})) xhr.setRequestHeader(key, value);
      xhr.onload = () => (xhr.status === 200 ? done() : fail(new Error(`PUT ${xhr.status}`)));
      xhr.onerror = () => fail(new Error('PUT failed'));
      xhr.send(file);
    });
    await post('/api/s3/complete', { token: session.token, key: session.key });
    return performance.now() - started;
  }
  if (name.startsWith('xhr-parts')) {
    // The same multipart upload without Uppy: every request presigned by our server, parts in flight at once.
    const parallel = Number(name.split('-').at(-1));
    const signed = await sign({ timestamp: Math.floor(Date.now() / 1000) - Math.floor(Math.random() * 600) });
    const session = await post('/api/s3/start', {
      params: { ...signed, timestamp: signed.timestamp },
      file: { name: file.name, size: file.size, type: file.type },
      partSize,
    });
    const presign = (body) => post('/api/s3/sign', { token: session.token, key: session.key, ...body });
    const xhr = (method, url, body, signedHeaders = {}) =>
      new Promise((done, fail) => {
        const request = new XMLHttpRequest();
        request.open(method, url);
        for (const [key, value] of Object.entries(signedHeaders)) request.setRequestHeader(key, value);
        request.onload = () =>
          request.status === 200 ? done(request) : fail(new Error(`${method} ${request.status}`));
        request.onerror = () => fail(new Error(`${method} failed`));
        request.send(body);
      });
    const created = await presign({ method: 'POST' });
    const uploadId = /<UploadId>([^<]+)</.exec((await xhr('POST', created.url, null, created.headers)).responseText)[1];
    const count = Math.ceil(file.size / session.part_size);
    const etags = new Array(count);
    let next = 1;
    const worker = async () => {
      for (let part = next++; part <= count; part = next++) {
        const { url, headers: h } = await presign({ method: 'PUT', uploadId, partNumber: part });
        const start = (part - 1) * session.part_size;
        const done = await xhr('PUT', url, file.slice(start, start + session.part_size), h);
        etags[part - 1] = done.getResponseHeader('ETag');
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    const completion = await presign({ method: 'POST', uploadId });
    const xml = `<CompleteMultipartUpload>${etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    await xhr('POST', completion.url, xml, completion.headers);
    await post('/api/s3/complete', { token: session.token, key: session.key });
    return performance.now() - started;
  }
  const { Uppy, installS3Backend } = window.SignetBench;
  const uppy = new Uppy();
  const multipart = name.startsWith('uppy-parts');
  installS3Backend(uppy, {
    serverUrl: location.origin,
    sign,
    headers: () => ({ authorization: `Bearer ${token}` }),
    partSize,
    parallelParts: multipart ? Number(name.split('-').at(-1)) : 1,
    multipartThreshold: multipart ? partSize : Number.MAX_SAFE_INTEGER,
  });
  uppy.addFile({ name: file.name, type: file.type, data: file });
  const result = await uppy.upload();
  uppy.destroy();
  if (!result || result.failed.length) throw new Error(`${name}: ${result?.failed[0]?.error}`);
  return performance.now() - started;
}

/** Bundles `code` (a module in the repository's root, so packages resolve) with rolldown. */
async function bundle(code, { platform, file, format, external }) {
  const id = join(root, '__bench-entry.js');
  const build = await rolldown({
    input: id,
    cwd: root,
    platform,
    logLevel: 'silent',
    ...(external ? { external } : {}),
    plugins: [
      {
        name: 'bench-entry',
        resolveId: (spec) => (spec === id ? id : null),
        load: (spec) => (spec === id ? code : null),
      },
    ],
  });
  await build.write({ file, format, codeSplitting: false });
  await build.close();
}

function sh(command, args, env) {
  return new Promise((done, fail) => {
    execFile('bash', [command, ...args], { env, timeout: 300_000 }, (error, stdout, stderr) =>
      error ? fail(new Error(`${command} ${args.join(' ')}: ${error.message}\n${stderr}`)) : done(stdout),
    );
  });
}

function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}
