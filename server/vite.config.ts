import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { workspaceAliases } from './workspace-aliases.js';

// The reference server for Node: dist/index.js (the documented API) and dist/cli.js (bin/signet-server.js).
// Its npm dependencies stay external; the shared wire code (`signet-upload/protocol`: rules, errors, the PDF
// check) is bundled from the widget's source, so the server runs without the widget installed.
// Pure-JavaScript libraries every start loads are bundled: one chunk instead of hundreds of small modules costs
// the idle process much less memory (kysely alone is ~400 modules). Native, optional and lazily loaded ones stay
// external, as do those that read their own files at run time.
const BUNDLED = /^(kysely|express|busboy|streamsearch)(\/|$)/;
const external = (id: string) =>
  id.startsWith('node:') ||
  builtinModules.includes(id) ||
  (/^[@a-z]/.test(id) && !id.startsWith('signet-upload') && !BUNDLED.test(id));

export default defineConfig({
  ssr: { noExternal: [BUNDLED] },
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { alias: workspaceAliases },
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    rollupOptions: {
      input: { index: 'src/index.ts', cli: 'src/cli.ts' },
      external,
      // index.ts only re-exports (the code lives in server.ts and below), so its chunk exports exactly the
      // documented names; what the entries and the lazily loaded parts share goes into chunks of its own.
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
