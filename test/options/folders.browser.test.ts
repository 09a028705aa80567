import { expect, test } from 'vitest';
import type { SignetUploader } from '../../src/uploader/uploader.js';
import { listAssets, mount, next, pressUpload, signWithServer } from '../helpers/browser.js';

/** Files as a directory picker or a dropped tree hands them to the Dashboard: with their relative paths. */
function tree(paths: string[]): File[] {
  return paths.map((path, i) => {
    const file = new File([`file ${i} ${path}`], path.split('/').at(-1) as string, { type: 'text/plain' });
    Object.defineProperty(file, 'webkitRelativePath', { value: path });
    return file;
  });
}

function addTree(el: SignetUploader, files: File[]) {
  const dashboard = el.uppy?.getPlugin('Dashboard') as unknown as { addFiles(files: File[]): void };
  dashboard.addFiles(files);
}

test('a folder named "bad name!" stops the whole batch before any request reaches the server', async () => {
  const el = await mount({ multiple: '' });
  let signs = 0;
  el.signUpload = async (params) => {
    signs++;
    return signWithServer(params);
  };
  const before = (await listAssets()).length;
  const cancelled = next(el, 'signet-batch-cancelled');
  addTree(el, tree(['trip/day-1/a.txt', 'trip/bad name!/b.txt']));
  const event = await cancelled;
  expect(event.reason).toBe('INVALID_FOLDER_NAME');
  expect(event.message).toContain('trip/bad name!');
  expect(event.message).toContain('letters, digits, "-" and "_"');
  expect(el.uppy?.getFiles()).toEqual([]);
  expect(el.shadowRoot?.querySelector('.uppy-Informer')?.textContent).toContain('bad name!');
  expect(signs).toBe(0);
  expect((await listAssets()).length).toBe(before);
});

test('each file of a tree goes into <base folder>/<its relative folder>', async () => {
  const el = await mount({ multiple: '', folder: 'base' });
  const root = `t${Date.now().toString(36)}`;
  addTree(el, tree([`${root}/day-1/a.txt`, `${root}/day-2/b.txt`, `${root}/c.txt`]));
  const complete = next(el, 'signet-queue-complete');
  await pressUpload(el);
  const done = await complete;
  expect(done.successful).toBe(3);
  const folders = done.outcomes.map((o) => (o.status === 'success' ? o.response.folder : '')).sort();
  expect(folders).toEqual([`base/${root}`, `base/${root}/day-1`, `base/${root}/day-2`]);
  for (const o of done.outcomes) {
    if (o.status === 'success')
      expect(o.response.secure_url).toContain(`/upload/v${o.response.version}/${o.response.folder}/`);
  }
});
