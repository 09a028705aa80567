import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

/**
 * Uppy packages replaced by ours in every build and in the browser tests: @uppy/thumbnail-generator (which the
 * Dashboard imports) by src/uploader/thumbnails.ts, the same plugin without exifr (see that file).
 */
export const uppyAliases = {
  '@uppy/thumbnail-generator': fileURLToPath(new URL('./src/uploader/thumbnails.ts', import.meta.url)),
};

// The widget's builds (scripts/build.mjs runs them in turn, by mode; the server builds from server/vite.config.ts):
//   lib         dist/index.js, dist/define.js, dist/protocol.js: ESM for bundlers. Only lit stays external (apps
//               dedupe it); Uppy is bundled at the exact version our shadow-DOM fixes and runtime patches were tested
//               against, so an install pulls in no Uppy tree (nor its Node 22-only build dependencies).
//   embed-esm   dist/embed/: self-contained ESM for <script type="module">; Uppy is a lazy chunk
//   embed-iife  dist/signet-uploader.iife.js: one self-contained classic script that defines the element (its
//               HEIC decoder comes from dist/embed/heic.js, beside it, when a HEIC photo is chosen)
// Both embeds start at src/embed.ts: define.ts plus `window.cloudinary` (Cloudinary's widget API, cloudinary-widget/),
// which the npm entries never load.
/**
 * Lit's css`` literals ship as written, comments and indentation included (5.5 kB of the element's eager styles):
 * trimmed at build time. Only whitespace around `{ } ; , >` and comments go; spaces next to `:` stay (`a :hover` is a
 * descendant selector). Literals with an interpolation are left as they are.
 */
export function minifyCssLiterals(): Plugin {
  const minify = (text: string) =>
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};,>])\s*/g, '$1')
      .replace(/;}/g, '}')
      .trim();
  return {
    name: 'signet-minify-css-literals',
    apply: 'build',
    transform(code, id) {
      if (!/\/src\/.*\.ts$/.test(id) || !code.includes('css`')) return null;
      return {
        code: code.replace(/\bcss`((?:[^`$\\]|\\.)*)`/g, (_, text: string) => `css\`${minify(text)}\``),
        map: null,
      };
    },
  };
}

const libExternal = (id: string) => !id.includes('?') && /^(lit|@lit\/|@lit-labs\/)(\/|$)/.test(id);

export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'embed-iife') {
    return {
      plugins: [minifyCssLiterals()],
      resolve: {
        alias: [
          ...Object.entries(uppyAliases).map(([find, replacement]) => ({ find, replacement })),
          // One script carries no 730 KB HEIC decoder: it loads the module embed's, beside it.
          {
            find: /^\.\/heic\.js$/,
            replacement: fileURLToPath(new URL('./src/uploader/heic-beside-script.ts', import.meta.url)),
          },
        ],
      },
      build: {
        target: 'es2022',
        outDir: 'dist',
        emptyOutDir: false,
        sourcemap: true,
        lib: {
          entry: 'src/embed-iife.ts',
          formats: ['iife'],
          name: 'SignetUpload',
          fileName: () => 'signet-uploader.iife.js',
        },
      },
    };
  }
  if (mode === 'embed-esm') {
    return {
      plugins: [minifyCssLiterals()],
      resolve: { alias: uppyAliases },
      // Relative base: the preload helper and lazy chunks resolve against the script's own URL (import.meta.url),
      // so the embed works from any path or CDN prefix, not only from the site's root.
      base: './',
      build: {
        target: 'es2022',
        outDir: 'dist/embed',
        emptyOutDir: true,
        sourcemap: true,
        minify: true,
        // The HEIC decoder (uploader/heic.ts) is 3 MB, loaded only when a HEIC photo is chosen.
        chunkSizeWarningLimit: 3000,
        rollupOptions: {
          input: { 'signet-uploader': 'src/embed.ts' },
          preserveEntrySignatures: 'exports-only',
          output: {
            format: 'es',
            entryFileNames: '[name].js',
            // The HEIC converter keeps one name: the single-file script loads it from here (heic-beside-script.ts).
            chunkFileNames: (chunk) => (chunk.name === 'heic' ? 'heic.js' : '[name]-[hash].js'),
            // Everything the page runs before the person acts in one file: Rolldown otherwise splits off each
            // module a lazy chunk shares (errors, rules, strings…), and separate files compress worse (2 KiB here).
            codeSplitting: { groups: [{ name: 'signet-uploader', tags: ['$initial'] }] },
          },
        },
      },
    };
  }
  return {
    base: './',
    plugins: [minifyCssLiterals()],
    resolve: { alias: uppyAliases },
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: false,
      sourcemap: true,
      chunkSizeWarningLimit: 3000, // the HEIC decoder, a lazy chunk (uploader/heic.ts)
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
