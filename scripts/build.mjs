// Builds every artifact: the ESM library, both embeds, the server, type declarations, the manifest and the demo.
import { cp, mkdir, rm } from 'node:fs/promises';
import { build } from 'vite';
import { run } from './run.mjs';

const started = Date.now();
await rm('dist', { recursive: true, force: true });
for (const mode of ['lib', 'embed-esm', 'embed-iife', 'server']) {
  await build({ mode, logLevel: 'warn', configFile: 'vite.config.ts' });
}
await run('npx', ['tsc', '-p', 'tsconfig.json']);
await run('npx', ['cem', 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet']);
// The demo is static: its pages load the built embed like any website would.
await mkdir('dist/demo', { recursive: true });
await cp('demo', 'dist/demo', { recursive: true });
await cp('dist/embed', 'dist/demo/embed', { recursive: true });
await cp('dist/signet-uploader.iife.js', 'dist/demo/signet-uploader.iife.js');
console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
