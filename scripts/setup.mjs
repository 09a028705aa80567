// Installs what is missing, so `npm start` and `npm test` work on a fresh clone: npm packages, and for tests a
// Chromium (Debian's package when running as root on Debian/Ubuntu, else Playwright's own build).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chromiumPath } from './chromium.mjs';

export function ensureDependencies() {
  const marker = 'node_modules/.package-lock.json';
  const stale = !existsSync(marker) || statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs + 1000;
  if (!stale) return;
  console.log('setup: installing npm dependencies (npm ci)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

export function ensureChromium() {
  const found = chromiumPath();
  if (found && existsSync(found)) return found;
  const debian = existsSync('/etc/debian_version') && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (debian) {
    console.log('setup: no Chromium found; installing Debian’s chromium package (apt-get install -y chromium)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
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
