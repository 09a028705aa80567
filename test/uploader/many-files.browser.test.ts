// 10,000 files at once: they join the queue in slices without freezing the page (the time is the bench's concern,
// `npm run bench`), and what must hold for a batch holds at that size: the count, one batch for everyone listening,
// the options' lock, a counter suffix per file in the order chosen, and folder checks over the whole tree.
import { describe, expect, test } from 'vitest';
import type { UploadBackend } from '../../src/backends/backend.js';
import type { UploadApiResponse } from '../../src/protocol/params.js';
import { addTree, choose, mount, next, pressUpload, results, tree } from '../helpers/browser.js';

const MANY = 10_000;
const files = (n: number, prefix = 'f') =>
  Array.from({ length: n }, (_, i) => new File([`${prefix} ${i}`], `${prefix}-${i}.txt`, { type: 'text/plain' }));

/**
 * The page's own backend (the element's `backend` property): it records what each upload was asked to store and
 * answers as the Upload API does. 10,000 real uploads would test the server's fsync rate, not the widget.
 */
function recordingBackend(seen: string[]): UploadBackend {
  return {
    upload: async ({ file, params }) => {
      seen.push(String(params.public_id));
      return {
        public_id: params.public_id,
        bytes: file.size,
        secure_url: `https://example.invalid/${params.public_id}`,
      } as unknown as UploadApiResponse;
    },
  };
}

describe('10,000 files', () => {
  test('all are queued in one batch, the options lock, and each uploads with its own counter suffix in order', async () => {
    const el = await mount({ multiple: '', 'public-id': 'walk', 'show-advanced-options': '' });
    const seen: string[] = [];
    el.backend = recordingBackend(seen);
    // A run of 10,000 uploads is Uppy's per-file state updates (see the closing note of issue 18); the batch is
    // checked up to its first requests.
    const batches: number[] = [];
    el.uppy?.on('files-added', (added) => batches.push(added.length));
    choose(el, files(MANY));
    await expect.poll(() => el.uppy?.getFiles().length, { timeout: 60_000 }).toBe(MANY);
    // One batch event with every file, after the last slice.
    await expect.poll(() => batches).toEqual([MANY]);
    expect(el.locked).toBe(true);
    expect(() => {
      el.publicId = 'other';
    }).toThrow(/Options cannot change/);

    await pressUpload(el);
    // Parameters are fixed for the whole run before the first request, in the order the files were chosen.
    const publicIds = () =>
      el.uppy?.getFiles().map((f) => (f.meta as { signetParams?: { public_id: string } }).signetParams?.public_id);
    await expect.poll(() => publicIds()?.at(-1)).toBe('walk_10000');
    expect(publicIds()).toEqual(Array.from({ length: MANY }, (_, i) => `walk_${i + 1}`));
    expect(el.uppy?.getFiles().map((f) => f.name)).toEqual(Array.from({ length: MANY }, (_, i) => `f-${i}.txt`));
    // And the requests carry them: the first ones sent, in order.
    await expect.poll(() => seen.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(20);
    expect(seen.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => `walk_${i + 1}`));
    el.uppy?.cancelAll();
  }, 180_000);

  test('max-files holds at 10,000: one file more refuses the whole pick, exactly 10,000 are taken', async () => {
    const el = await mount({ multiple: '', 'max-files': String(MANY) });
    choose(el, files(MANY + 1, 'over'));
    await expect.poll(() => results(el).some((r) => r.text.includes('10,000'))).toBe(true);
    expect(el.uppy?.getFiles()).toHaveLength(0);
    choose(el, files(MANY));
    await expect.poll(() => el.uppy?.getFiles().length, { timeout: 60_000 }).toBe(MANY);
    // A later drop that would pass the limit is refused as a whole too (the picker is gone once the limit is reached).
    addTree(el, files(1, 'late'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(el.uppy?.getFiles()).toHaveLength(MANY);
  }, 180_000);

  test('a dropped tree of 10,000 files: the one badly named sub-folder is held back, the rest queued', async () => {
    const el = await mount({ multiple: '' });
    const root = `many${Date.now().toString(36)}`;
    const paths = Array.from({ length: MANY }, (_, i) =>
      i % 100 === 7 ? `${root}/Day 1/p${i}.txt` : `${root}/day-${i % 20}/p${i}.txt`,
    );
    const cancelled = next(el, 'signet-batch-cancelled');
    addTree(el, tree(paths));
    const event = await cancelled;
    expect(event.reason).toBe('INVALID_FOLDER_NAME');
    expect(event.files).toHaveLength(100);
    await expect.poll(() => el.uppy?.getFiles().length, { timeout: 60_000 }).toBe(MANY - 100);
    expect(el.uppy?.getFiles().some((f) => String(f.meta.relativePath).includes('Day 1'))).toBe(false);
    expect(results(el).filter((r) => r.status === 'held')).toHaveLength(1);
  }, 180_000);
});
