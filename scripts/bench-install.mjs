// `npm run bench:install` (also run by `npm run bench`): what installing each published package costs a new user.
// Packs the widget (`signet-upload`) and the server (`signet-upload-server`) as npm would publish them, installs each
// tarball into an empty project with this machine's npm and Node, and reports the packages and megabytes it added,
// whether anything compiled natively, and any engine warnings. Writes .bench/install.json.
// Needs the npm registry (the tarballs' dependencies come from there); uses the local npm cache when it can.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDependencies } from './setup.mjs';

const WIDGET_GOAL_MB = 30;

function sh(command, args, options = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

/** Bytes on disk under a folder (apparent sizes, as `du -sb`), symlinks not followed. */
function bytesUnder(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += bytesUnder(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** Every installed package folder (has a package.json with a name), nested ones included. */
function packagesUnder(nodeModules, found = []) {
  if (!existsSync(nodeModules)) return found;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dirs = entry.name.startsWith('@')
      ? readdirSync(join(nodeModules, entry.name), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => join(nodeModules, entry.name, e.name))
      : [join(nodeModules, entry.name)];
    for (const dir of dirs) {
      if (existsSync(join(dir, 'package.json'))) found.push(dir);
      packagesUnder(join(dir, 'node_modules'), found);
    }
  }
  return found;
}

/** Packages that built native code at install: a compiled `.node` under build/ (node-gyp), or a binding.gyp. */
function nativeBuilds(packageDirs) {
  return packageDirs
    .filter((dir) => existsSync(join(dir, 'binding.gyp')) || existsSync(join(dir, 'build', 'Release')))
    .map((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name);
}

async function measure(label, tarball) {
  const project = await mkdtemp(join(tmpdir(), 'signet-install-'));
  try {
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'empty-app', private: true }));
    const install = sh('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', tarball], {
      cwd: project,
    });
    const output = `${install.stdout}\n${install.stderr}`;
    const dirs = packagesUnder(join(project, 'node_modules'));
    const engineWarnings = [...output.matchAll(/EBADENGINE[^\n]*package: '([^']+)'/g)].map((m) => m[1]);
    // npm prints the package and its `required` engines on following lines; keep the names.
    const ebad = output
      .split('\n')
      .filter((line) => line.includes('EBADENGINE') && line.includes('package:'))
      .map((line) => line.replace(/.*package: '?([^',]+)'?.*/, '$1'));
    return {
      package: label,
      packages: dirs.length,
      mb: +(bytesUnder(join(project, 'node_modules')) / 1e6).toFixed(1),
      native_builds: nativeBuilds(dirs),
      engine_warnings: [...new Set([...engineWarnings, ...ebad])],
      install_seconds: +install.seconds.toFixed(1),
      node: process.version,
    };
  } finally {
    await rm(project, { recursive: true, force: true });
  }
}

ensureDependencies();
if (!existsSync('dist/index.js') || !existsSync('server/dist/index.js') || process.env.BENCH_BUILD !== '0')
  sh('node', ['scripts/build.mjs'], { stdio: 'inherit' });

const packs = await mkdtemp(join(tmpdir(), 'signet-packs-'));
const pack = (workspace) => {
  const args = ['pack', '--json', '--pack-destination', packs, ...(workspace ? ['-w', workspace] : [])];
  const [info] = JSON.parse(sh('npm', args).stdout);
  return {
    tarball: resolve(packs, info.filename),
    files: info.entryCount,
    unpacked_mb: +(info.unpackedSize / 1e6).toFixed(2),
  };
};
const widget = pack(null);
const server = pack('signet-upload-server');

const results = [
  {
    ...(await measure('signet-upload (widget)', widget.tarball)),
    tarball_files: widget.files,
    own_mb: widget.unpacked_mb,
  },
  {
    ...(await measure('signet-upload-server', server.tarball)),
    tarball_files: server.files,
    own_mb: server.unpacked_mb,
  },
];
await rm(packs, { recursive: true, force: true });

console.log(`\ninstall weight: npm install <packed tarball> into an empty project (Node ${process.version})`);
console.table(
  Object.fromEntries(
    results.map((r) => [
      r.package,
      {
        packages: r.packages,
        MB: r.mb,
        'own MB': r.own_mb,
        native: r.native_builds.join(', ') || 'none',
        'engine warnings': r.engine_warnings.join(', ') || 'none',
        seconds: r.install_seconds,
      },
    ]),
  ),
);
const [w] = results;
const widgetOk = w.mb <= WIDGET_GOAL_MB && w.native_builds.length === 0 && w.engine_warnings.length === 0;
console.log(
  `widget goal (≤ ${WIDGET_GOAL_MB} MB, no native build, no engine warning): ${widgetOk ? 'met' : 'NOT met'} (${w.mb} MB)`,
);
await mkdir('.bench', { recursive: true });
await writeFile('.bench/install.json', JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
if (!widgetOk) process.exitCode = 1;
