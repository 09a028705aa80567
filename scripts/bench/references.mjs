// Reference products for the size and queue benchmarks, measured in the same run as ours: the published bundles
// of Uppy (the CDN build), FilePond and Uploadcare's File Uploader, installed once into .bench/refs from the npm
// registry (the only network the benchmarks use), and a bare Uppy Dashboard page built from this repository's own
// pinned @uppy/* packages (what a page using stock Uppy would load).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { rolldown } from 'rolldown';

export const REFS_DIR = resolve('.bench/refs');
const PACKAGES = { uppy: '6.0.1', filepond: '4.32.12', '@uploadcare/file-uploader': '1.33.2' };

/** The files each reference page loads, as published (JS and CSS). */
export function publishedBundles() {
  const modules = join(REFS_DIR, 'node_modules');
  return {
    'uppy.min.js (all plugins)': {
      js: [join(modules, 'uppy/dist/uppy.min.js')],
      css: [join(modules, 'uppy/dist/uppy.min.css')],
    },
    'FilePond 4.32.12': {
      js: [join(modules, 'filepond/dist/filepond.esm.min.js')],
      css: [join(modules, 'filepond/dist/filepond.min.css')],
    },
    'Uploadcare File Uploader 1.33.2': {
      js: [join(modules, '@uploadcare/file-uploader/web/file-uploader.min.js')],
      css: [join(modules, '@uploadcare/file-uploader/web/uc-file-uploader-regular.min.css')],
    },
  };
}

export async function ensureReferences() {
  await mkdir(REFS_DIR, { recursive: true });
  const missing = Object.values(publishedBundles()).some(({ js, css }) => [...js, ...css].some((f) => !existsSync(f)));
  if (missing) {
    await writeFile(join(REFS_DIR, 'package.json'), JSON.stringify({ name: 'signet-bench-refs', private: true }));
    const specs = Object.entries(PACKAGES).map(([name, version]) => `${name}@${version}`);
    console.log(`bench: installing reference bundles (${specs.join(', ')}) into ${REFS_DIR}…`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...specs], {
      cwd: REFS_DIR,
      stdio: 'inherit',
    });
  }
  return { bundles: publishedBundles(), bareUppy: await buildBareUppy() };
}

/** A page with stock Uppy 6.3.1 and its Dashboard, inline, bundled like an app would (JS) plus its CSS files. */
async function buildBareUppy() {
  const dir = join(REFS_DIR, 'bare-uppy');
  await mkdir(dir, { recursive: true });
  const entry = join(dir, 'entry.mjs');
  await writeFile(
    entry,
    `import Uppy from '@uppy/core';
     import Dashboard from '@uppy/dashboard';
     const uppy = new Uppy({ autoProceed: false });
     uppy.use(Dashboard, { inline: true, target: '#dashboard', proudlyDisplayPoweredByUppy: false });
     window.benchUppy = uppy;`,
  );
  const build = await rolldown({ input: entry, cwd: resolve('.'), platform: 'browser', logLevel: 'silent' });
  await build.write({ file: join(dir, 'bare-uppy.js'), format: 'esm', minify: true, codeSplitting: false });
  await build.close();
  const modules = resolve('node_modules');
  return {
    js: [join(dir, 'bare-uppy.js')],
    css: [join(modules, '@uppy/core/dist/style.min.css'), join(modules, '@uppy/dashboard/dist/style.min.css')],
  };
}
