import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import { signetUpload } from '../package-alias.js';

export default defineConfig({
  base: './',
  // Uppy and its Dashboard are one chunk the widget loads on demand, larger than Vite's default warning size.
  build: { chunkSizeWarningLimit: 1024 },
  // Vue leaves <signet-…> tags to the browser instead of resolving them as Vue components.
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('signet-') } } })],
  resolve: { alias: signetUpload },
});
