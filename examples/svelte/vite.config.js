import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { signetUpload } from '../package-alias.js';

export default defineConfig({
  base: './',
  // Uppy and its Dashboard are one chunk the widget loads on demand, larger than Vite's default warning size.
  build: { chunkSizeWarningLimit: 1024 },
  plugins: [svelte()],
  resolve: { alias: signetUpload },
});
