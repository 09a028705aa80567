// `npm run bench`: sizes of what a page downloads, and upload throughput of the widget against a raw browser
// upload of the same file to the same server, measured in the same run (ratios; these machines are noisy).
// Also samples the server's RSS during each upload, and ends with the install weight of both packages
// (.bench/install.json). Writes .bench/results.json. Traffic stays on 127.0.0.1 (the install step needs the registry).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './chromium.mjs';
import { run } from './run.mjs';
import { ensureChromium, ensureDependencies } from './setup.mjs';

const MiB = 1024 * 1024;
const KiB = 1024;
const EAGER_BUDGET_KIB = 30;
const size = Number(process.env.BENCH_MIB ?? 256) * MiB;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

ensureDependencies();
const chrome = ensureChromium();
if (!existsSync('dist/embed/signet-uploader.js') || process.env.BENCH_BUILD !== '0')
  await run('node', ['scripts/build.mjs']);

// ---- sizes -------------------------------------------------------------------------------------------------
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
/** A module plus everything it imports statically: what loads before the first interaction. */
function staticClosure(entry, seen = new Set()) {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const code = readFileSync(entry, 'utf8');
  for (const match of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.\/[^"']+)["']/g)) {
    staticClosure(join(dirname(entry), match[1]), seen);
  }
  return seen;
}
const eagerFiles = [...staticClosure('dist/embed/signet-uploader.js')];
const eager = eagerFiles.reduce((sum, f) => sum + gz(f), 0);
const iife = gz('dist/signet-uploader.iife.js');
const sizes = {
  eager_gzip_kib: +(eager / KiB).toFixed(1),
  eager_files: eagerFiles,
  iife_gzip_kib: +(iife / KiB).toFixed(1),
  eager_to_iife_ratio: +(eager / iife).toFixed(3),
  budget_kib: EAGER_BUDGET_KIB,
};
console.log(
  `size: eager ${sizes.eager_gzip_kib} KiB gzip (budget ${EAGER_BUDGET_KIB}), whole IIFE ${sizes.iife_gzip_kib} KiB gzip (eager = ${(sizes.eager_to_iife_ratio * 100).toFixed(0)}%)`,
);

// ---- throughput ----------------------------------------------------------------------------------------------
const work = await mkdtemp(join(tmpdir(), 'signet-bench-'));
const file = join(work, 'payload.bin');
await new Promise((resolve, reject) => {
  const out = createWriteStream(file);
  out.on('error', reject);
  out.on('finish', resolve);
  for (let i = 0; i < size / MiB; i++) out.write(randomBytes(MiB));
  out.end();
});

const server = spawn(
  'node',
  ['server/bin/signet-server.js', '--port', '0', '--data', join(work, 'data'), '--static', 'dist/demo'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /signet-server listening on (\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`server exited ${code}`)));
});

const rssMiB = () => {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
};
async function sampled(fn) {
  let peak = rssMiB();
  const before = peak;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB());
  }, 50);
  try {
    const seconds = await fn();
    return { seconds, rssBefore: before, rssPeak: peak };
  } finally {
    clearInterval(timer);
  }
}

const idleRss = rssMiB();
const browser = await chromium.launch({ executablePath: chrome ?? chromiumPath(), args: chromiumArgs });
const page = await browser.newPage();
await page.goto(url);
await page.locator('signet-uploader .uppy-Dashboard-inner').waitFor();
await page.evaluate(() => {
  const input = document.createElement('input');
  input.type = 'file';
  input.id = 'bench-input';
  document.body.append(input);
});
await page.locator('#bench-input').setInputFiles(file);

const methods = {
  // Baseline: one raw XHR POST of the same File, signed the same way, no Uppy, no chunks.
  'raw XHR POST (baseline)': () =>
    page.evaluate(async () => {
      const el = document.querySelector('signet-uploader');
      const fileObj = document.getElementById('bench-input').files[0];
      const params = { source: 'bench', timestamp: Math.floor(Date.now() / 1000) };
      const signed = await (
        await fetch('/api/sign', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(params),
        })
      ).json();
      const form = new FormData();
      form.append('source', 'bench');
      form.append('timestamp', String(signed.timestamp));
      form.append('api_key', signed.api_key);
      form.append('signature', signed.signature);
      form.append('file', fileObj);
      const started = performance.now();
      await new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `${el.uploadUrl}/v1_1/${el.cloudName}/auto/upload`);
        xhr.onload = () => (xhr.status === 200 ? resolve() : reject(new Error(xhr.responseText)));
        xhr.onerror = () => reject(new Error('network'));
        xhr.send(form);
      });
      return (performance.now() - started) / 1000;
    }),
  'widget, one request': () => widget(1024 * 1024 * 1024),
  'widget, 20 MiB chunks (default)': () => widget(20 * 1024 * 1024),
};

function widget(chunkSize) {
  return page.evaluate(async (chunk) => {
    const el = document.querySelector('signet-uploader');
    el.chunkSize = chunk;
    const { uppy } = await el.ready;
    uppy.cancelAll();
    const fileObj = document.getElementById('bench-input').files[0];
    uppy.addFile({ name: fileObj.name, type: fileObj.type, data: fileObj, source: 'Local' });
    const started = performance.now();
    const result = await uppy.upload();
    if (result?.failed?.length) throw new Error(String(result.failed[0].error));
    return (performance.now() - started) / 1000;
  }, chunkSize);
}

const samples = Object.fromEntries(Object.keys(methods).map((m) => [m, []]));
for (let round = 0; round <= rounds; round++) {
  for (const [name, fn] of Object.entries(methods)) {
    const result = await sampled(fn);
    if (round > 0) samples[name].push(result); // round 0 warms up
  }
  await rm(join(work, 'data', 'store'), { recursive: true, force: true }).catch(() => {});
}
await browser.close();
server.kill('SIGTERM');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const baseline = median(samples['raw XHR POST (baseline)'].map((s) => s.seconds));
const throughput = {};
for (const [name, list] of Object.entries(samples)) {
  const seconds = median(list.map((s) => s.seconds));
  throughput[name] = {
    mb_per_s: +(size / 1e6 / seconds).toFixed(1),
    ratio_to_baseline: +(baseline / seconds).toFixed(2),
    server_rss_growth_mib: +median(list.map((s) => s.rssPeak - s.rssBefore)).toFixed(1),
    server_rss_peak_mib: +median(list.map((s) => s.rssPeak)).toFixed(1),
    server_rss_growth_from_idle_mib: +(Math.max(...list.map((s) => s.rssPeak)) - idleRss).toFixed(1),
  };
}
console.log(`\nserver RSS when idle, before any upload: ${idleRss.toFixed(1)} MiB`);
console.log(`upload of ${size / MiB} MiB from a file-backed File, ${rounds} rounds (+1 warm-up), medians:`);
console.table(throughput);
await mkdir('.bench', { recursive: true });
await writeFile(
  '.bench/results.json',
  JSON.stringify({ date: new Date().toISOString(), size, rounds, sizes, idleRss, throughput }, null, 2),
);
await rm(work, { recursive: true, force: true });

// ---- install weight of both packages (scripts/bench-install.mjs; BENCH_INSTALL=0 skips it) ---------------------
if (process.env.BENCH_INSTALL !== '0')
  await run('node', ['scripts/bench-install.mjs'], { env: { ...process.env, BENCH_BUILD: '0' } });
if (eager > EAGER_BUDGET_KIB * KiB) {
  console.error(`size budget exceeded: eager ${sizes.eager_gzip_kib} KiB > ${EAGER_BUDGET_KIB} KiB`);
  process.exit(1);
}
