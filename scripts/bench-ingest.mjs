// Server ingest of one large upload (default 2 GiB), streamed from a sparse file (never held in memory), durable
// (fsync before the answer), against two references measured in the same run, in rotating order after a discarded
// warm-up: a minimal Node sink (request piped to a file, fsync, answer) and `dd conv=fdatasync`. Prints a table and
// writes .bench/ingest.json. BENCH_INGEST_MIB sets the size, BENCH_ROUNDS the rounds. Loopback only.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const MiB = 1024 * 1024;
const size = Number(process.env.BENCH_INGEST_MIB ?? 2048) * MiB;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const work = await mkdtemp(join(tmpdir(), 'signet-ingest-'));
const source = join(work, 'source.bin');
await writeFile(source, '');
await truncate(source, size);

/** POSTs `fields` and the sparse file as one multipart body with a Content-Length; resolves with seconds. */
function postMultipart(url, fields) {
  const boundary = `----signet${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `${Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, {
      method: 'POST',
      headers: {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(head.length + size + tail.length),
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () =>
        res.statusCode === 200
          ? resolve((performance.now() - started) / 1000)
          : reject(new Error(`${res.statusCode} ${text}`)),
      );
    });
    req.on('error', reject);
    req.write(head);
    const file = createReadStream(source, { highWaterMark: MiB });
    file.on('end', () => req.end(tail));
    file.pipe(req, { end: false });
  });
}

// ---- the minimal Node sink --------------------------------------------------------------------------------------
const sink = createServer(async (req, res) => {
  const target = join(work, `sink-${randomBytes(4).toString('hex')}`);
  await pipeline(req, createWriteStream(target, { highWaterMark: MiB }));
  const handle = await open(target, 'r');
  await handle.datasync();
  await handle.close();
  await rm(target);
  res.end('{}');
});
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkUrl = `http://127.0.0.1:${sink.address().port}/`;

// ---- the reference server, built, with a data dir of its own ------------------------------------------------------
if (!existsSync('server/dist/cli.js')) execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
const dataDir = join(work, 'data');
await mkdir(dataDir);
await writeFile(join(work, 'config.json'), JSON.stringify({ limits: { maxFileSize: size + MiB } }));
function startSignet(dir, env = {}) {
  const child = spawn(
    process.execPath,
    ['server/bin/signet-server.js', '--port', '0', '--data', dir, '--config', join(work, 'config.json')],
    { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...env } },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve({ child, url: match[1] });
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
}
const { child: server, url: serverUrl } = await startSignet(dataDir);

const credentials = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
const signedFields = (publicId) => signedWith(credentials, publicId);
const signedWith = (credentials, publicId) => {
  const params = { public_id: publicId, timestamp: String(Math.floor(Date.now() / 1000)) };
  const toSign = Object.entries(params)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  // Cloudinary's signature, as the SDKs make it: SHA-1 of the sorted pairs followed by the secret.
  const signature = createHash('sha1')
    .update(toSign + credentials.api_secret)
    .digest('hex');
  return { ...params, api_key: credentials.api_key, signature };
};

// ---- cases, rotating order, warm-up discarded ----------------------------------------------------------------------
let upload = 0;
const cases = {
  'Node sink (pipe + fsync)': () => postMultipart(sinkUrl, {}),
  'signet-server ingest': () =>
    postMultipart(`${serverUrl}/v1_1/${credentials.cloud_name}/raw/upload`, signedFields(`ingest-${++upload}`)),
  // The ceiling: the server must MD5 every byte (Cloudinary's etag), and MD5 is sequential (one core).
  'MD5 alone, one core': async () => {
    const started = performance.now();
    const hash = createHash('md5');
    const piece = Buffer.alloc(MiB);
    for (let done = 0; done < size; done += MiB) hash.update(piece);
    hash.digest();
    return (performance.now() - started) / 1000;
  },
  'dd conv=fdatasync': async () => {
    const started = performance.now();
    execFileSync('dd', [`if=${source}`, `of=${join(work, 'dd.bin')}`, 'bs=1M', 'conv=fdatasync'], { stdio: 'ignore' });
    const seconds = (performance.now() - started) / 1000;
    await rm(join(work, 'dd.bin'));
    return seconds;
  },
};
const names = Object.keys(cases);
const samples = Object.fromEntries(names.map((name) => [name, []]));
const load = [];
for (let round = 0; round <= rounds; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const name of order) {
    const seconds = await cases[name]();
    if (round > 0) samples[name].push(seconds);
  }
  load.push(loadavg()[0]);
  await rm(join(dataDir, 'store'), { recursive: true, force: true });
  await mkdir(join(dataDir, 'store'));
}
server.kill('SIGTERM');
sink.close();
await rm(work, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mbps = Object.fromEntries(names.map((name) => [name, size / 1e6 / median(samples[name])]));
const result = {
  size_mib: size / MiB,
  rounds,
  load_average: load,
  mb_per_s: Object.fromEntries(Object.entries(mbps).map(([k, v]) => [k, +v.toFixed(1)])),
  server_to_sink: +(mbps['signet-server ingest'] / mbps['Node sink (pipe + fsync)']).toFixed(2),
  server_to_dd: +(mbps['signet-server ingest'] / mbps['dd conv=fdatasync']).toFixed(2),
  md5_to_sink: +(mbps['MD5 alone, one core'] / mbps['Node sink (pipe + fsync)']).toFixed(2),
};
console.log(
  `\ningest of ${size / MiB} MiB, durable, ${rounds} rounds (+1 warm-up), medians; load ${load.map((l) => l.toFixed(1)).join(' ')}`,
);
console.table(result.mb_per_s);
console.log(
  `server ÷ Node sink ${result.server_to_sink}× (goal ≥ 0.85×), server ÷ dd ${result.server_to_dd}×; ` +
    `MD5 alone ÷ Node sink ${result.md5_to_sink}× (the ceiling while every byte must be hashed)`,
);
await mkdir('.bench', { recursive: true });
await writeFile('.bench/ingest.json', JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2));
