// The patches of scripts/patch-uppy.mjs are in the installed Uppy and do what they claim; this fails on stock Uppy.
import Uppy from '@uppy/core';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { applyUppyPatches } from '../../scripts/patch-uppy.mjs';

const files = (n: number, prefix = 'f') =>
  Array.from({ length: n }, (_, i) => ({
    name: `${prefix}${i}.txt`,
    type: 'text/plain',
    data: new File([`${i}`], `${prefix}${i}.txt`, { type: 'text/plain', lastModified: 1 }),
  }));

/** Counts how often the files map is copied whole (each spread or Object.values enumerates its keys). */
function countingFiles(uppy: Uppy) {
  const counter = { copies: 0 };
  const target = { ...uppy.getState().files };
  const proxy = new Proxy(target, {
    ownKeys(t) {
      counter.copies++;
      return Reflect.ownKeys(t);
    },
  });
  uppy.setState({ files: proxy });
  return counter;
}

describe('patched @uppy/core', () => {
  it('is patched (applying again changes nothing)', () => {
    expect(applyUppyPatches()).toEqual([]);
  });

  it('copies the files map a constant number of times per addFiles, not once per file', () => {
    const uppy = new Uppy({ autoProceed: false });
    uppy.addFiles(files(50, 'old'));
    const counter = countingFiles(uppy);
    uppy.addFiles(files(2000));
    expect(Object.keys(uppy.getState().files)).toHaveLength(2050);
    // Stock 6.3.1 copies it once per added file (2,000+); the patched loop copies it once, then once for the
    // aggregate restrictions.
    expect(counter.copies).toBeLessThanOrEqual(3);
    uppy.destroy();
  });

  it('keeps upstream #5781: a file added to the state from onBeforeFileAdded is not lost', () => {
    const uppy = new Uppy({
      onBeforeFileAdded(file) {
        if (file.name === 'f1.txt') uppy.addFile(files(1, 'side')[0]!);
        return true;
      },
    });
    uppy.addFiles(files(1, 'old'));
    uppy.addFiles(files(3));
    const names = Object.values(uppy.getState().files).map((f) => f.name);
    expect(names.sort()).toEqual(['f0.txt', 'f1.txt', 'f2.txt', 'old0.txt', 'side0.txt']);
    uppy.destroy();
  });
});
