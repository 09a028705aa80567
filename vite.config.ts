import { defineConfig, type UserConfig } from 'vite';

// The widget's builds (scripts/build.mjs runs them in turn, by mode; the server builds from server/vite.config.ts):
//   lib         dist/index.js, dist/define.js, dist/protocol.js: ESM for bundlers. Only lit stays external (apps
//               dedupe it); Uppy is bundled at the exact version our shadow-DOM fixes and runtime patches were tested
//               against, so an install pulls in no Uppy tree (nor its Node 22-only build dependencies).
//   embed-esm   dist/embed/: self-contained ESM for <script type="module">; Uppy is a lazy chunk
//   embed-iife  dist/signet-uploader.iife.js: one self-contained classic script that defines the element
// Both embeds start at src/embed.ts: define.ts plus `window.cloudinary` (Cloudinary's widget API, cloudinary-widget/),
// which the npm entries never load.
const libExternal = (id: string) => !id.includes('?') && /^(lit|@lit\/|@lit-labs\/)(\/|$)/.test(id);

export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'embed-iife') {
    return {
      build: {
        target: 'es2022',
        outDir: 'dist',
        emptyOutDir: false,
        sourcemap: true,
        lib: {
          entry: 'src/embed.ts',
          formats: ['iife'],
          name: 'SignetUpload',
          fileName: () => 'signet-uploader.iife.js',
        },
      },
    };
  }
  if (mode === 'embed-esm') {
    return {
      // Relative base: the preload helper and lazy chunks resolve against the script's own URL (import.meta.url),
      // so the embed works from any path or CDN prefix, not only from the site's root.
      base: './',
      build: {
        target: 'es2022',
        outDir: 'dist/embed',
        emptyOutDir: true,
        sourcemap: true,
        minify: true,
        rollupOptions: {
          input: { 'signet-uploader': 'src/embed.ts' },
          preserveEntrySignatures: 'exports-only',
          output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
        },
      },
    };
  }
  return {
    base: './',
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: false,
      sourcemap: true,
      lib: {
        entry: { index: 'src/index.ts', define: 'src/define.ts', protocol: 'src/protocol/index.ts' },
        formats: ['es'],
      },
      rollupOptions: {
        external: libExternal,
        output: { chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  };
});
