import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { signetUpload } from '../package-alias.js';

export default defineConfig({
  base: './',
  // Uppy and its Dashboard are one chunk the widget loads on demand, larger than Vite's default warning size.
  build: { chunkSizeWarningLimit: 1024 },
  plugins: [react()],
  resolve: { alias: signetUpload },
});
