import { describe, expect, test } from 'vitest';
import { checkBatchFolders, folderFor, relativeFolder } from '../../src/options/folders.js';

describe('folders of a dropped or picked tree', () => {
  test.each([
    [null, ''],
    ['a.jpg', ''],
    ['trip/a.jpg', 'trip'],
    ['trip/day-1/a.jpg', 'trip/day-1'],
    ['/trip/day-2/b.jpg', 'trip/day-2'],
  ])('relative folder of %j is %j', (path, folder) => {
    expect(relativeFolder(path)).toBe(folder);
  });

  test('the base folder comes first', () => {
    expect(folderFor('albums', 'trip/day-1/a.jpg')).toBe('albums/trip/day-1');
    expect(folderFor('', 'a.jpg')).toBe('');
    expect(folderFor('albums', null)).toBe('albums');
  });

  test('a batch with one bad folder name is refused, naming the folder', () => {
    const result = checkBatchFolders('', ['trip/day-1/a.jpg', 'trip/bad name!/b.jpg']);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('FOLDER_INVALID');
      expect(result.error.message).toContain('trip/bad name!');
      expect(result.error.message).toContain('letters, digits, "-" and "_"');
    }
    expect(checkBatchFolders('base', ['trip/day-1/a.jpg', 'trip/day-2/b.jpg', 'c.jpg']).ok).toBe(true);
  });
});
