import { describe, expect, test } from 'vitest';
import { folderFor, relativeFolder } from '../../src/options/folders.js';
import { checkTree, fixFolderName, fixRelativePath } from '../../src/options/tree.js';

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

  test('only the files under a bad folder name are held back, grouped by that folder, with a fix', () => {
    const check = checkTree('', [
      'trip/day-1/a.jpg',
      'trip/Day 2/b.jpg',
      'trip/Day 2/morning/c.jpg',
      'trip/bad name!/d.jpg',
      'trip/e.jpg',
    ]);
    expect(check.accepted).toEqual([0, 4]);
    expect(check.held.map(({ folder, suggestion, files }) => ({ folder, suggestion, files }))).toEqual([
      { folder: 'trip/Day 2', suggestion: 'trip/Day_2', files: [1, 2] },
      { folder: 'trip/bad name!', suggestion: 'trip/bad_name', files: [3] },
    ]);
    const [first] = check.held;
    expect(first?.error.error.code).toBe('FOLDER_INVALID');
    expect(first?.error.error.message).toContain('letters, digits, "-" and "_"');
  });

  test('a base folder is part of every path; a tree without bad names goes ahead whole', () => {
    expect(checkTree('base', ['trip/day-1/a.jpg', 'trip/day-2/b.jpg', 'c.jpg'])).toEqual({
      accepted: [0, 1, 2],
      held: [],
    });
    expect(checkTree('albums', ['Day 1/a.jpg']).held[0]).toMatchObject({
      folder: 'albums/Day 1',
      suggestion: 'albums/Day_1',
    });
  });

  test('no fix is offered when renaming cannot help (the path is too long)', () => {
    const long = `${'a'.repeat(253)}/x y/f.jpg`;
    expect(checkTree('', [long]).held[0]?.suggestion).toBeNull();
  });

  test.each([
    ['Day 1', 'Day_1'],
    ['bad name!', 'bad_name'],
    ['Café au lait', 'Cafe_au_lait'],
    ['  spaced  out ', 'spaced_out'],
    ['日本', 'folder'],
  ])('a folder name %j is fixed as %j', (name, fixed) => {
    expect(fixFolderName(name)).toBe(fixed);
  });

  test('fixing a relative path keeps the file name', () => {
    expect(fixRelativePath('trip/Day 1/a b.jpg')).toBe('trip/Day_1/a b.jpg');
    expect(fixRelativePath('a b.jpg')).toBe('a b.jpg');
  });
});
