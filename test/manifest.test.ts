// custom-elements.json is generated from the class JSDoc; this fails when someone changed the JSDoc or the
// element's API without regenerating it (`npm run analyze`).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';

test('custom-elements.json is up to date with the class JSDoc (regenerate with `npm run analyze`)', async () => {
  // The analyzer joins --outdir to the working directory, so it must be relative.
  const outdir = relative(process.cwd(), await mkdtemp(join('node_modules', '.cache-cem-')));
  try {
    execFileSync('npx', [
      'cem',
      'analyze',
      '--config',
      'custom-elements-manifest.config.mjs',
      '--outdir',
      outdir,
      '--quiet',
    ]);
    const fresh = JSON.parse(await readFile(join(outdir, 'custom-elements.json'), 'utf8'));
    const committed = JSON.parse(await readFile('custom-elements.json', 'utf8'));
    expect(committed).toEqual(fresh);
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
});

test('the manifest documents the element, its attributes, events and parts', async () => {
  const manifest = JSON.parse(await readFile('custom-elements.json', 'utf8'));
  const element = manifest.modules
    .flatMap((m: { declarations?: unknown[] }) => m.declarations ?? [])
    .find((d: { tagName?: string }) => d.tagName === 'signet-uploader');
  expect(element).toBeDefined();
  const names = (list: { name: string }[]) => list.map((x) => x.name);
  expect(names(element.attributes)).toEqual(
    expect.arrayContaining([
      'cloud-name',
      'api-key',
      'upload-url',
      'signature-url',
      'multiple',
      'max-files',
      'max-file-size',
      'accept',
    ]),
  );
  expect(names(element.attributes)).toEqual(expect.arrayContaining(['existing-as-success', 'sources']));
  expect(names(element.events)).toEqual([
    'signet-upload-success',
    'signet-upload-existing',
    'signet-upload-error',
    'signet-queue-complete',
    'signet-options-change',
    'signet-batch-cancelled',
  ]);
  expect(names(element.attributes)).toEqual(
    expect.arrayContaining(['name', 'value-format', 'required', 'disabled', 'locale', 'theme']),
  );
  expect(names(element.cssParts)).toEqual([
    'base',
    'open-button',
    'dialog',
    'dialog-header',
    'dialog-title',
    'close-button',
    'confirm',
    'dashboard',
    'drop-zone',
    'resume',
    'resume-button',
    'resume-discard',
    'options',
    'results',
    'summary',
    'results-list',
    'result',
    'result-action',
    'clear-results',
  ]);
  // Theming: colours, radius, font and spacing, each with its default.
  expect(names(element.cssProperties)).toEqual(
    expect.arrayContaining([
      '--signet-accent',
      '--signet-background',
      '--signet-text',
      '--signet-radius',
      '--signet-font',
      '--signet-spacing',
    ]),
  );
  for (const property of element.cssProperties) expect(property.default, property.name).toBeDefined();
});
