import { expect, onTestFinished, test } from 'vitest';
import { mount } from '../helpers/browser.js';

const tabs = (el: HTMLElement) =>
  [...(el.shadowRoot?.querySelectorAll('.uppy-DashboardTab') ?? [])].map((t) =>
    t.getAttribute('data-uppy-acquirer-id'),
  );
const loadedRemoteChunk = () =>
  performance.getEntriesByType('resource').some((entry) => entry.name.includes('remote-sources'));

test('by default only local files: no remote tabs, and the remote-sources code is never loaded', async () => {
  const el = await mount();
  expect(tabs(el)).toEqual([]);
  expect(el.shadowRoot?.querySelector('.uppy-Dashboard-browse')).not.toBeNull();
  expect(loadedRemoteChunk()).toBe(false);
});

test('a source the server cannot serve is not offered: no Dropbox keys, no Dropbox tab', async () => {
  const config = await (await fetch(`${(await mount()).uploadUrl}/api/config`)).json();
  expect(config.sources).toEqual(['local', 'url']);
  const el = await mount({ sources: 'local dropbox url' });
  await expect.poll(() => tabs(el)).toEqual(['MyDevice', 'Url']);
  expect(el.uppy?.getPlugin('Dropbox')).toBeUndefined();
  const url = el.uppy?.getPlugin('Url') as unknown as { opts: { companionUrl: string } };
  expect(url.opts.companionUrl).toBe(`${el.uploadUrl}/companion`);
});

test('against real Cloudinary (no /api/config) the sources attribute alone decides, in its order, asking nothing', async () => {
  const before = performance.getEntriesByType('resource').length;
  const errors: unknown[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  const el = document.createElement('signet-uploader');
  el.setAttribute('cloud-name', 'demo');
  el.setAttribute('sources', 'local dropbox url');
  el.setAttribute('companion-url', 'https://companion.example');
  document.body.append(el);
  onTestFinished(() => {
    console.error = consoleError;
    el.remove();
  });
  await el.ready;
  expect(el.uploadUrl).toBe('https://api.cloudinary.com');
  await expect.poll(() => tabs(el)).toEqual(['MyDevice', 'Dropbox', 'Url']);
  const asked = performance
    .getEntriesByType('resource')
    .slice(before)
    .map((entry) => entry.name)
    .filter((name) => /cloudinary\.com|companion\.example/.test(name));
  expect(asked).toEqual([]);
  expect(errors).toEqual([]);
});

test('without "local" the device picker is gone', async () => {
  const el = await mount({ sources: 'url' });
  await expect.poll(() => tabs(el)).toEqual(['Url']);
  expect(el.shadowRoot?.querySelector('.uppy-Dashboard-browse')).toBeNull();
});
