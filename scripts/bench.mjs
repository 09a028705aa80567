// `npm run bench`: every figure of the performance goals, each beside a reference measured in the same run, in one
// table (and .bench/results.json). Browser cases run in Chromium on 127.0.0.1, in rotating order after a discarded
// warm-up round, medians of BENCH_ROUNDS (default 3); the load average is logged with the results. Parts:
//   sizes        what a page loads before any input, and with everything loaded (Chromium's network log, gzip -9)
//   ready        from the page's first script to a visible upload UI
//   queue        the longest main-thread task while 1/50/1k/5k/10k files are queued through the picker
//   throughput   the widget's uploads of 256 MiB against raw XHR of the same File (BENCH_MIB)
//   ingest       the server's durable ingest of 2 GiB (scripts/bench-ingest.mjs; BENCH_INGEST=0 skips)
//   s3           multipart against one presigned PUT on radosgw (scripts/bench-s3.mjs; BENCH_S3=0 skips)
//   install      what installing each package adds (scripts/bench-install.mjs; BENCH_INSTALL=0 skips)
// BENCH_BUILD=0 reuses the current build. Only the install step and the first reference install use the network.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { fileBytes, loadedBytes, queueLongestTask, readyMs } from './bench/browser.mjs';
import { startPages } from './bench/pages.mjs';
import { ensureReferences } from './bench/references.mjs';
import { chromiumArgs, chromiumPath } from './chromium.mjs';
import { run } from './run.mjs';
import { ensureChromium, ensureDependencies } from './setup.mjs';

const MiB = 1024 * 1024;
const size = Number(process.env.BENCH_MIB ?? 256) * MiB;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const queueCounts = (process.env.BENCH_QUEUE ?? '1,50,1000,5000,10000').split(',').map(Number);
const loads = [];
const noteLoad = () => loads.push(+loadavg()[0].toFixed(2));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

ensureDependencies();
const chrome = ensureChromium();
if (!existsSync('dist/embed/signet-uploader.js') || process.env.BENCH_BUILD !== '0')
  await run('node', ['scripts/build.mjs']);
noteLoad();

// ---- the reference server (built), with Dropbox keys so every source is on offer --------------------------------
const work = await mkdtemp(join(tmpdir(), 'signet-bench-'));
const server = spawn(
  process.execPath,
  ['server/bin/signet-server.js', '--port', '0', '--data', join(work, 'data'), '--static', 'dist/demo'],
  {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, SIGNET_DROPBOX_KEY: 'bench-key', SIGNET_DROPBOX_SECRET: 'bench-secret' },
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
const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024;
await new Promise((resolve) => setTimeout(resolve, 2000));
const idleRss = +rssMiB().toFixed(1);

const { bundles, bareUppy } = await ensureReferences();
const pages = await startPages({ upload: url, bare: bareUppy });
const browser = await chromium.launch({ executablePath: chrome ?? chromiumPath(), args: chromiumArgs });

// ---- sizes --------------------------------------------------------------------------------------------------------
console.log('bench: sizes…');
const sizes = {
  eager_inline: await loadedBytes(browser, `${pages.url}/ours-inline.html`),
  eager_modal: await loadedBytes(browser, `${pages.url}/ours-modal.html`),
  all_loaded: await loadedBytes(browser, `${pages.url}/ours-inline.html`, { interact: true }),
  bare_uppy: await loadedBytes(browser, `${pages.url}/bare-uppy.html`),
  // What a page fetches only when a photo feature is used (module embed, as published).
  photo_chunks: Object.fromEntries(
    ['camera', 'crop', 'heic'].map((name) => [
      name,
      fileBytes(
        readdirSync('dist/embed')
          .filter((file) => file.endsWith('.js') && (file === `${name}.js` || file.startsWith(`${name}-`)))
          .map((file) => join('dist/embed', file)),
        readFileSync,
      ),
    ]),
  ),
  references: Object.fromEntries(
    Object.entries(bundles).map(([name, { js, css }]) => [
      name,
      { js_kib: fileBytes(js, readFileSync), js_css_kib: fileBytes([...js, ...css], readFileSync) },
    ]),
  ),
};
noteLoad();

// ---- ready ----------------------------------------------------------------------------------------------------------
console.log('bench: element ready…');
const readyCases = {
  'ours (module embed)': () =>
    readyMs(browser, `${pages.url}/ours-inline.html`, '[part~="drop-zone"], .uppy-Dashboard-inner'),
  'ours (single-file IIFE)': () =>
    readyMs(browser, `${pages.url}/ours-iife.html`, '[part~="drop-zone"], .uppy-Dashboard-inner'),
  'bare Uppy Dashboard page': () => readyMs(browser, `${pages.url}/bare-uppy.html`, '.uppy-Dashboard-inner'),
};
const readySamples = await rotate(readyCases, Math.max(rounds, 5));
const ready = Object.fromEntries(Object.entries(readySamples).map(([k, v]) => [k, +median(v).toFixed(0)]));
noteLoad();

// ---- queue ----------------------------------------------------------------------------------------------------------
console.log(`bench: queueing ${queueCounts.join('/')} files…`);
// Medians of `rounds` (one task more or less decides the figure), ours and stock Uppy taking turns to go first. One
// and 50 files are the references for the rest: 50 are added at once (add-files.ts), so their longest task is the
// Dashboard's first drawing of a screenful of files, which every larger pick pays too.
const queue = {};
for (const count of queueCounts) {
  const samples = { ours: [], stock_uppy: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? ['stock_uppy', 'ours'] : ['ours', 'stock_uppy'];
    for (const who of order)
      samples[who].push(
        await queueLongestTask(browser, `${pages.url}/${who === 'ours' ? 'ours-inline' : 'bare-uppy'}.html`, count, {
          ours: who === 'ours',
        }),
      );
  }
  queue[count] = Object.fromEntries(
    Object.entries(samples).map(([who, runs]) => [
      who,
      {
        longest_task_ms: median(runs.map((run) => run.longest_task_ms)),
        long_tasks: median(runs.map((run) => run.long_tasks)),
        queued: Math.min(...runs.map((run) => run.queued)),
        queued_after_ms: median(runs.map((run) => run.queued_after_ms)),
        runs,
      },
    ]),
  );
  noteLoad();
}

// ---- throughput -----------------------------------------------------------------------------------------------------
console.log(`bench: uploads of ${size / MiB} MiB…`);
const file = join(work, 'payload.bin');
await new Promise((resolve, reject) => {
  const out = createWriteStream(file);
  out.on('error', reject);
  out.on('finish', resolve);
  for (let i = 0; i < size / MiB; i++) out.write(randomBytes(MiB));
  out.end();
});
const page = await browser.newPage();
await page.goto(url);
await page.hover('signet-uploader');
await page.locator('signet-uploader .uppy-Dashboard-inner').waitFor();
await page.evaluate(() => {
  const input = document.createElement('input');
  input.type = 'file';
  input.id = 'bench-input';
  document.body.append(input);
});
await page.locator('#bench-input').setInputFiles(file);
const CHUNK = 20 * MiB;
const throughputCases = {
  'raw XHR POST': () => page.evaluate(rawPost, null),
  'raw sliced chunks, in sequence': () => page.evaluate(rawPost, CHUNK),
  'widget, one request': () => widgetUpload(1024 * MiB),
  'widget, 20 MiB chunks': () => widgetUpload(CHUNK),
};
let peakRss = idleRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, rssMiB());
}, 50);
const throughputSamples = await rotate(throughputCases, rounds, () =>
  rm(join(work, 'data', 'store'), { recursive: true, force: true }).catch(() => {}),
);
clearInterval(sampler);
const mbps = Object.fromEntries(
  Object.entries(throughputSamples).map(([k, v]) => [k, +(size / 1e6 / median(v)).toFixed(1)]),
);
await browser.close();
await pages.close();
server.kill('SIGTERM');
noteLoad();

// ---- the parts with scripts of their own ----------------------------------------------------------------------------
const sub = async (script, env, output) => {
  await run('node', [script], { env: { ...process.env, BENCH_BUILD: '0', ...env } });
  return JSON.parse(readFileSync(output, 'utf8'));
};
const ingest =
  process.env.BENCH_INGEST === '0' ? null : await sub('scripts/bench-ingest.mjs', {}, '.bench/ingest.json');
noteLoad();
const s3 =
  process.env.BENCH_S3 === '0'
    ? null
    : await sub('scripts/bench-s3.mjs', { BENCH_S3_MIB: '256', BENCH_S3_PART_MIB: '32' }, '.bench/s3.json');
noteLoad();
const install =
  process.env.BENCH_INSTALL === '0' ? null : await sub('scripts/bench-install.mjs', {}, '.bench/install.json');
await rm(work, { recursive: true, force: true });

// ---- the table ------------------------------------------------------------------------------------------------------
const uc = sizes.references['Uploadcare File Uploader 1.33.2'];
const fp = sizes.references['FilePond 4.32.12'];
const up = sizes.references['uppy.min.js (all plugins)'];
const rows = [
  row(
    'JS+CSS a page loads before any input (gz), inline / closed modal',
    `${sizes.eager_inline.kib} / ${sizes.eager_modal.kib} KiB`,
    `Uploadcare ${uc.js_kib}, FilePond ${fp.js_kib}, uppy.min.js ${up.js_kib} KiB`,
    '≤ 20 KiB',
    Math.max(sizes.eager_inline.kib, sizes.eager_modal.kib) <= 20,
  ),
  row(
    'Everything loaded, all sources (JS+CSS gz)',
    `${sizes.all_loaded.kib} KiB`,
    `Uploadcare ${uc.js_css_kib}, bare Uppy Dashboard page ${sizes.bare_uppy.kib} KiB`,
    '≤ 100 KiB',
    sizes.all_loaded.kib <= 100,
  ),
  ...queueCounts.map((count) =>
    row(
      `Queue ${count} file${count === 1 ? '' : 's'} via the picker: longest task (median)`,
      // The Long Tasks API reports tasks of 50 ms or more: none means every task was shorter.
      `${queue[count].ours.long_tasks ? `${queue[count].ours.longest_task_ms.toFixed(0)} ms` : 'none ≥ 50 ms'} (${queue[count].ours.queued} queued in ${(queue[count].ours.queued_after_ms / 1000).toFixed(1)} s)`,
      `stock Uppy 6.3.1 Dashboard ${queue[count].stock_uppy.longest_task_ms.toFixed(0)} ms`,
      '≤ 50 ms',
      queue[count].ours.longest_task_ms <= 50 && queue[count].ours.queued === count,
    ),
  ),
  ...(ingest
    ? [
        row(
          `Server ingest of ${ingest.size_mib} MiB (durable)`,
          `${ingest.mb_per_s['signet-server ingest']} MB/s = ${ingest.server_to_sink}× sink`,
          `Node sink ${ingest.mb_per_s['Node sink (pipe + fsync)']}, dd ${ingest.mb_per_s['dd conv=fdatasync']} (${ingest.server_to_dd}×), MD5 alone ${ingest.mb_per_s['MD5 alone, one core']} MB/s`,
          '≥ 0.85× sink',
          ingest.server_to_sink >= 0.85,
        ),
      ]
    : []),
  row(
    `Widget one request ÷ raw XHR, ${size / MiB} MiB`,
    ratio(mbps['widget, one request'], mbps['raw XHR POST']),
    `raw XHR ${mbps['raw XHR POST']} MB/s`,
    '≥ 0.97×',
    mbps['widget, one request'] / mbps['raw XHR POST'] >= 0.97,
  ),
  row(
    'Widget 20 MiB chunks ÷ raw XHR',
    ratio(mbps['widget, 20 MiB chunks'], mbps['raw XHR POST']),
    `raw sliced chunks in sequence ${ratio(mbps['raw sliced chunks, in sequence'], mbps['raw XHR POST'])}`,
    '≥ 0.90×',
    mbps['widget, 20 MiB chunks'] / mbps['raw XHR POST'] >= 0.9,
  ),
  ...(s3
    ? [
        row(
          `S3 multipart (${s3.parallel_parts} parts in flight, ${s3.part_mib} MiB) ÷ one presigned PUT`,
          `${s3.ratio_to_xhr_put[`uppy-parts-${s3.parallel_parts}`]}×`,
          `raw XHR PUT ${s3.median_mb_s['xhr-put']} MB/s; raw XHR multipart, same parts: ${s3.ratio_to_xhr_put[`xhr-parts-${s3.parallel_parts}`]}×`,
          '≥ 0.90×',
          s3.ratio_to_xhr_put[`uppy-parts-${s3.parallel_parts}`] >= 0.9,
        ),
      ]
    : []),
  row(
    'Photo features, each loaded only when used (gz): camera / crop / HEIC',
    `${sizes.photo_chunks.camera} / ${sizes.photo_chunks.crop} / ${sizes.photo_chunks.heic} KiB`,
    'none of it in the eager part',
    '—',
    null,
  ),
  row(
    'First script → upload UI visible (module embed)',
    `${ready['ours (module embed)']} ms`,
    `bare Uppy page ${ready['bare Uppy Dashboard page']} ms; our IIFE ${ready['ours (single-file IIFE)']} ms`,
    '≤ bare Uppy',
    ready['ours (module embed)'] <= ready['bare Uppy Dashboard page'],
  ),
  row(
    'Server RSS idle (peak during the uploads)',
    `${idleRss} MiB (${peakRss.toFixed(1)})`,
    '—',
    '≤ 70 MiB',
    idleRss <= 70,
  ),
  ...(install
    ? install.results.map((r) =>
        row(
          `npm install ${r.package}`,
          `${r.packages} packages, ${r.mb} MB, native: ${r.native_builds.join(', ') || 'none'}`,
          `engine warnings: ${r.engine_warnings.join(', ') || 'none'}`,
          r.package.startsWith('signet-upload (') ? '≤ 30 MB, no native, no warning' : '—',
          r.package.startsWith('signet-upload (')
            ? r.mb <= 30 && !r.native_builds.length && !r.engine_warnings.length
            : null,
        ),
      )
    : []),
];
console.log(`\nload average during the run: ${loads.join(' ')}`);
console.table(
  Object.fromEntries(
    rows.map((r) => [r.what, { ours: r.ours, 'same-run reference': r.reference, goal: r.goal, met: r.met }]),
  ),
);
await mkdir('.bench', { recursive: true });
await writeFile(
  '.bench/results.json',
  JSON.stringify(
    {
      date: new Date().toISOString(),
      loads,
      rounds,
      sizes,
      ready,
      queue,
      throughput_mb_s: mbps,
      idleRss,
      peakRss,
      ingest,
      s3,
      install,
      rows,
    },
    null,
    2,
  ),
);

function row(what, ours, reference, goal, met) {
  return { what, ours, reference, goal, met: met === null ? '—' : met ? 'yes' : 'NO' };
}

function ratio(a, b) {
  return `${(a / b).toFixed(2)}×`;
}

/** Runs every case once per round in rotating order; round 0 warms up and is discarded. */
async function rotate(cases, count, between) {
  const names = Object.keys(cases);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round <= count; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length];
      const value = await cases[name]();
      if (round > 0) samples[name].push(value);
      await between?.();
    }
  }
  return samples;
}

// In the page: one signed upload of the bench File as a raw XHR POST, whole or as sliced chunks in sequence.
async function rawPost(chunkSize) {
  const el = document.querySelector('signet-uploader');
  const file = document.getElementById('bench-input').files[0];
  const params = {
    source: 'bench',
    public_id: `raw-${Math.random().toString(36).slice(2)}`,
    timestamp: Math.floor(Date.now() / 1000),
  };
  const signed = await (
    await fetch('/api/sign', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    })
  ).json();
  const endpoint = `${el.uploadUrl}/v1_1/${el.cloudName}/auto/upload`;
  const send = (blob, headers) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(params)) form.append(k, String(k === 'timestamp' ? signed.timestamp : v));
    form.append('api_key', signed.api_key);
    form.append('signature', signed.signature);
    form.append('file', blob, file.name);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', endpoint);
      for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
      xhr.onload = () => (xhr.status === 200 ? resolve() : reject(new Error(xhr.responseText)));
      xhr.onerror = () => reject(new Error('network'));
      xhr.send(form);
    });
  };
  const started = performance.now();
  if (!chunkSize) await send(file, {});
  else {
    const id = crypto.randomUUID().replaceAll('-', '');
    for (let start = 0; start < file.size; start += chunkSize) {
      const end = Math.min(file.size, start + chunkSize) - 1;
      await send(file.slice(start, end + 1), {
        'X-Unique-Upload-Id': id,
        'Content-Range': `bytes ${start}-${end}/${file.size}`,
      });
    }
  }
  return (performance.now() - started) / 1000;
}

function widgetUpload(chunkSize) {
  return page.evaluate(async (chunk) => {
    const el = document.querySelector('signet-uploader');
    el.chunkSize = chunk;
    const { uppy } = await el.ready;
    uppy.cancelAll();
    const fileObj = document.getElementById('bench-input').files[0];
    uppy.setMeta({});
    uppy.addFile({ name: fileObj.name, type: fileObj.type, data: fileObj, source: 'Local' });
    const started = performance.now();
    const result = await uppy.upload();
    if (result?.failed?.length) throw new Error(String(result.failed[0].error));
    return (performance.now() - started) / 1000;
  }, chunkSize);
}
