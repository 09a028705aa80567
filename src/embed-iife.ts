/**
 * The single classic script's entry (dist/signet-uploader.iife.js): notes its own address before anything else, for
 * what it loads from beside it (uploader/heic-beside-script.ts), then is embed.ts.
 */
import './script-src.js';

export * from './embed.js';
