import { expect, test } from 'vitest';
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

test('sources="dropbox url" shows those tabs in that order, with Companion at <upload-url>/companion', async () => {
  const el = await mount({ sources: 'local dropbox url' });
  await expect.poll(() => tabs(el)).toEqual(['MyDevice', 'Dropbox', 'Url']);
  expect(loadedRemoteChunk()).toBe(true);
  const dropbox = el.uppy?.getPlugin('Dropbox') as unknown as { opts: { companionUrl: string } };
  expect(dropbox.opts.companionUrl).toBe(`${el.uploadUrl}/companion`);
});

test('without "local" the device picker is gone', async () => {
  const el = await mount({ sources: 'url' });
  await expect.poll(() => tabs(el)).toEqual(['Url']);
  expect(el.shadowRoot?.querySelector('.uppy-Dashboard-browse')).toBeNull();
});
