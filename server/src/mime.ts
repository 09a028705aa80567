/**
 * Content types by extension: for delivered assets (from the detected format) and for static files.
 */

const TYPES: Readonly<Record<string, string>> = {
  // images
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  apng: 'image/apng',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  ico: 'image/x-icon',
  heic: 'image/heic',
  heif: 'image/heif',
  jxl: 'image/jxl',
  jp2: 'image/jp2',
  psd: 'image/vnd.adobe.photoshop',
  pdf: 'application/pdf',
  // video and audio
  mp4: 'video/mp4',
  m4v: 'video/x-m4v',
  webm: 'video/webm',
  mov: 'video/quicktime',
  avi: 'video/x-msvideo',
  mkv: 'video/x-matroska',
  mpg: 'video/mpeg',
  ogv: 'video/ogg',
  '3gp': 'video/3gpp',
  flv: 'video/x-flv',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  opus: 'audio/opus',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  // text-like raw files that are safe to show inline (never HTML, SVG or script from an upload)
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  zip: 'application/zip',
  gz: 'application/gzip',
};

const STATIC_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json',
  svg: 'image/svg+xml',
  woff2: 'font/woff2',
  woff: 'font/woff',
  wasm: 'application/wasm',
  webmanifest: 'application/manifest+json',
};

/** The type an uploaded asset is served with; anything unknown is plain bytes. */
export function assetContentType(format: string): string {
  return TYPES[format.toLowerCase()] ?? 'application/octet-stream';
}

/** The type of one of the server's own static files (these may be HTML and script: they are ours). */
export function staticContentType(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return STATIC_TYPES[ext] ?? TYPES[ext] ?? 'application/octet-stream';
}
