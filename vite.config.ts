import { builtinModules } from 'node:module';
import { defineConfig, type UserConfig } from 'vite';

// One config, four builds (scripts/build.mjs runs them in turn, by mode):
//   lib         dist/index.js, dist/define.js: ESM for bundlers; lit and @uppy/* stay external so apps dedupe them
//   embed-esm   dist/embed/: self-contained ESM for <script type="module">; Uppy is a lazy chunk
//   embed-iife  dist/signet-uploader.iife.js: one self-contained classic script that defines the element
//   server      dist/server/: the reference server for Node
const nodeExternal = (id: string) =>
  id.startsWith('node:') ||
  builtinModules.includes(id) ||
  /^(busboy|better-sqlite3|file-type|image-size)(\/|$)/.test(id);

// Never externalize `?inline` ids: /^@uppy\// would also match '@uppy/dashboard/css/style.min.css?inline'.
const libExternal = (id: string) => !id.includes('?') && /^(lit|@lit\/|@lit-labs\/|@uppy\/)/.test(id);

export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'server') {
    return {
      build: {
        ssr: true,
        target: 'node20',
        outDir: 'dist/server',
        emptyOutDir: true,
        sourcemap: true,
        minify: false,
        rollupOptions: {
          input: { index: 'src/server/index.ts', cli: 'src/server/cli.ts' },
          external: nodeExternal,
          output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
        },
      },
    };
  }
  if (mode === 'embed-iife') {
    return {
      build: {
        target: 'es2022',
        outDir: 'dist',
        emptyOutDir: false,
        sourcemap: true,
        lib: {
          entry: 'src/define.ts',
          formats: ['iife'],
          name: 'SignetUpload',
          fileName: () => 'signet-uploader.iife.js',
        },
      },
    };
  }
  if (mode === 'embed-esm') {
    return {
      build: {
        target: 'es2022',
        outDir: 'dist/embed',
        emptyOutDir: true,
        sourcemap: true,
        minify: true,
        rollupOptions: {
          input: { 'signet-uploader': 'src/define.ts' },
          preserveEntrySignatures: 'exports-only',
          output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
        },
      },
    };
  }
  return {
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: false,
      sourcemap: true,
      lib: { entry: { index: 'src/index.ts', define: 'src/define.ts' }, formats: ['es'] },
      rollupOptions: {
        external: libExternal,
        output: { chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  };
});
