import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { workspaceAliases } from './workspace-aliases.js';

// The reference server for Node: dist/index.js (the documented API) and dist/cli.js (bin/signet-server.js).
// Its npm dependencies stay external; the shared wire code (`signet-upload/protocol`: rules, errors, the PDF
// check) is bundled from the widget's source, so the server runs without the widget installed.
const external = (id: string) =>
  id.startsWith('node:') || builtinModules.includes(id) || (/^[@a-z]/.test(id) && !id.startsWith('signet-upload'));

export default defineConfig({
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
      // One file per module: the entry exports exactly what src/index.ts does (a merged chunk would export its
      // internals under mangled names for the lazy chunks and the CLI).
      output: {
        format: 'es',
        preserveModules: true,
        // Modules are named from the workspace root: the server's own lose `server/src/`, the bundled widget
        // sources go under `shared/`.
        entryFileNames: ({ name }) => `${name.replace(/^server\/src\//, '').replace(/^src\//, 'shared/')}.js`,
      },
    },
  },
});
