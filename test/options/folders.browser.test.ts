import { expect, test } from 'vitest';
import { addTree, listAssets, mount, next, pressUpload, results, signWithServer, tree } from '../helpers/browser.js';

test('only the sub-folder named "Day 1" is held back, named in the message; the rest uploads; the fix adds it as Day_1', async () => {
  const el = await mount({ multiple: '' });
  const root = `t${Date.now().toString(36)}`;
  let signs = 0;
  el.signUpload = async (params) => {
    signs++;
    return signWithServer(params);
  };
  const cancelled = next(el, 'signet-batch-cancelled');
  addTree(el, tree([`${root}/day-2/a.txt`, `${root}/Day 1/b.txt`, `${root}/Day 1/morning/c.txt`, `${root}/d.txt`]));
  const event = await cancelled;
  expect(event.reason).toBe('INVALID_FOLDER_NAME');
  expect(event.message).toContain(`“${root}/Day 1”`);
  expect(event.message).toContain('2 files');
  expect(event.files.map((f) => f.name)).toEqual(['b.txt', 'c.txt']);
  expect(signs).toBe(0);
  // Held back: named, with what to do; the rest waits in the queue.
  expect(
    el.uppy
      ?.getFiles()
      .map((f) => f.name)
      .sort(),
  ).toEqual(['a.txt', 'd.txt']);
  expect(results(el)).toEqual([
    expect.objectContaining({
      status: 'held',
      name: `${root}/Day 1/`,
      buttons: [`Rename to “${root}/Day_1” and add`],
    }),
  ]);
  expect(results(el)[0]?.text).toContain('letters, digits, “-” and “_”');

  const first = next(el, 'signet-queue-complete');
  await pressUpload(el);
  expect((await first).outcomes.map((o) => o.status)).toEqual(['success', 'success']);
  // The held folder is still there after the run, with its fix.
  expect(results(el).find((r) => r.status === 'held')?.buttons).toHaveLength(1);

  el.shadowRoot?.querySelector<HTMLButtonElement>('[data-status="held"] button')?.click();
  await expect
    .poll(() =>
      el.uppy
        ?.getFiles()
        .map((f) => f.meta.relativePath)
        .sort(),
    )
    .toEqual([`${root}/Day_1/b.txt`, `${root}/Day_1/morning/c.txt`]);
  const second = next(el, 'signet-queue-complete');
  await pressUpload(el);
  const done = await second;
  expect(done.outcomes.map((o) => (o.status === 'success' ? o.response.folder : o.status)).sort()).toEqual([
    `${root}/Day_1`,
    `${root}/Day_1/morning`,
  ]);
  const stored = (await listAssets()).filter((a) => a.public_id.startsWith(`${root}/`)).map((a) => a.public_id);
  expect(stored).toHaveLength(4);
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
