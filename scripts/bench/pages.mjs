// The pages the browser benchmarks load, served from 127.0.0.1 by a tiny static server: ours as a module embed
// (inline, and as a closed modal), ours as the single-file IIFE, stock Uppy's Dashboard, and the published
// reference bundles. Each page starts `window.benchStart` before its scripts and marks when the upload UI is visible.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };

/**
 * Starts the page server. `upload` is the reference server's URL (the element's upload-url); `bare` the stock
 * Uppy page's files. Routes: /embed/* (dist/embed), /iife.js, /refs/* (.bench/refs), and the pages below.
 */
export async function startPages({ upload, bare }) {
  const pages = {
    '/ours-inline.html': page(
      `<script type="module" src="/embed/signet-uploader.js"></script>`,
      `<signet-uploader upload-url="${upload}" multiple sources="local url dropbox"></signet-uploader>`,
    ),
    '/ours-modal.html': page(
      `<script type="module" src="/embed/signet-uploader.js"></script>`,
      `<signet-uploader upload-url="${upload}" multiple mode="modal" sources="local url dropbox"></signet-uploader>`,
    ),
    '/ours-iife.html': page(
      `<script src="/iife.js"></script>`,
      `<signet-uploader upload-url="${upload}" multiple></signet-uploader>`,
    ),
    '/bare-uppy.html': page(
      `${bare.css.map((_, i) => `<link rel="stylesheet" href="/bare/${i}.css">`).join('')}
       <script type="module" src="/bare/bare-uppy.js"></script>`,
      '<div id="dashboard"></div>',
    ),
  };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    try {
      let file;
      if (pages[path]) {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end(pages[path]);
      }
      if (path.startsWith('/embed/')) file = safeJoin(resolve('dist/embed'), path.slice('/embed/'.length));
      else if (path === '/iife.js') file = resolve('dist/signet-uploader.iife.js');
      else if (path === '/bare/bare-uppy.js') file = bare.js[0];
      else if (/^\/bare\/\d+\.css$/.test(path)) file = bare.css[Number(path.slice(6, -4))];
      if (!file) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((done) => server.close(done)) };
}

function page(head, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>bench</title>
<script>window.benchStart = performance.now();</script>${head}</head><body>${body}</body></html>`;
}

function safeJoin(root, relative) {
  const path = normalize(join(root, relative));
  if (!path.startsWith(root)) throw new Error('outside');
  return path;
}
