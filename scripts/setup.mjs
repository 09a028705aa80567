// Installs what is missing, so `npm start` and `npm test` work on a fresh clone: npm packages, and for tests a
// Chromium (Debian's package when running as root on Debian/Ubuntu, else Playwright's own build).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chromiumPath } from './chromium.mjs';
import { applyUppyPatches } from './patch-uppy.mjs';

export function ensureDependencies() {
  const marker = 'node_modules/.package-lock.json';
  const stale = !existsSync(marker) || statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs + 1000;
  if (stale) {
    console.log('setup: installing npm dependencies (npm ci)…');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  }
  // Also after an install that skipped scripts (npm ci --ignore-scripts): tests and builds run patched Uppy.
  applyUppyPatches();
}

const canApt = () => existsSync('/etc/debian_version') && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
let aptUpdated = false;

function aptInstall(packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  aptUpdated = true;
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
}

/**
 * Debian tools the tests use as oracles or peers: qpdf makes encrypted PDF fixtures; cjpeg/djpeg, cwebp/dwebp and
 * heif-enc encode and decode photos; exiftool writes a phone's metadata and reads what is left of it.
 */
export const TEST_TOOLS = {
  qpdf: 'qpdf',
  exiftool: 'libimage-exiftool-perl',
  cjpeg: 'libjpeg-turbo-progs',
  djpeg: 'libjpeg-turbo-progs',
  cwebp: 'webp',
  dwebp: 'webp',
  'heif-enc': 'libheif-examples',
};

export function ensureTools(tools = TEST_TOOLS) {
  const missing = Object.entries(tools).filter(([binary]) => !onPath(binary));
  if (missing.length === 0) return;
  if (!canApt()) {
    console.log(`setup: missing ${missing.map(([b]) => b).join(', ')}; install them (tests that need them will fail)`);
    return;
  }
  console.log(`setup: installing ${missing.map(([, p]) => p).join(', ')} from Debian…`);
  aptInstall([...new Set(missing.map(([, p]) => p))]);
}

function onPath(binary) {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(`${dir}/${binary}`));
}

export function ensureChromium() {
  const found = chromiumPath();
  if (found && existsSync(found)) return found;
  if (canApt()) {
    console.log('setup: no Chromium found; installing Debian’s chromium package (apt-get install -y chromium)…');
    aptInstall(['chromium']);
    return '/usr/bin/chromium';
  }
  console.log(
    'setup: no Chromium found and not root on Debian; installing Playwright’s Chromium (npx playwright install chromium)…',
  );
  execFileSync('npx', ['playwright', 'install', 'chromium'], { stdio: 'inherit' });
  return undefined;
}

export function packageVersion() {
  return JSON.parse(readFileSync('package.json', 'utf8')).version;
}
