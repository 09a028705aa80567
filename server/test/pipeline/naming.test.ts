import { describe, expect, test } from 'vitest';
import { displayFilename, filenameToId, makePublicId, type NamingInput } from '../../src/pipeline/naming.js';
import { rawExtension } from '../../src/validate/detect.js';

const base: NamingInput = {
  publicId: undefined,
  folder: '',
  useFilename: false,
  uniqueFilename: true,
  filename: 'Holiday.PNG',
  resourceType: 'image',
  format: 'png',
};

describe('makePublicId', () => {
  test.each<[Partial<NamingInput>, RegExp]>([
    [{}, /^[a-z0-9]{20}$/],
    [{ folder: 'a/b' }, /^a\/b\/[a-z0-9]{20}$/],
    [{ publicId: 'x/y' }, /^x\/y$/],
    [{ publicId: 'x', folder: 'f' }, /^f\/x$/],
    [{ useFilename: true }, /^Holiday_[a-z0-9]{6}$/],
    [{ useFilename: true, uniqueFilename: false }, /^Holiday$/],
    [{ resourceType: 'raw', format: 'txt', filename: 'a.txt' }, /^[a-z0-9]{20}\.txt$/],
    [{ resourceType: 'raw', format: '', filename: 'README' }, /^[a-z0-9]{20}$/],
    [
      { resourceType: 'raw', format: 'txt', useFilename: true, uniqueFilename: false, filename: 'notes.txt' },
      /^notes\.txt$/,
    ],
  ])('%j → %s', (change, pattern) => {
    expect(makePublicId({ ...base, ...change }).publicId).toMatch(pattern);
  });

  test('a given raw public ID is taken as is; its extension is the format', () => {
    expect(makePublicId({ ...base, resourceType: 'raw', format: 'txt', publicId: 'docs/readme.md' })).toEqual({
      publicId: 'docs/readme.md',
      format: 'md',
    });
  });

  test('a folder and a public ID that together go over the length limit → PUBLIC_ID_INVALID', () => {
    expect(() => makePublicId({ ...base, folder: 'f'.repeat(200), publicId: 'p'.repeat(100) })).toThrow(
      expect.objectContaining({ code: 'PUBLIC_ID_INVALID' }),
    );
  });
});

describe('file names', () => {
  test.each([
    ['holiday.png', 'holiday', 'holiday'],
    ['C:\\Users\\me\\Été 2024.jpeg', 'Été 2024', 'Ete_2024'],
    ['../../etc/passwd', 'passwd', 'passwd'],
    ['.hidden', '.hidden', 'hidden'],
    ['a\u0000b\u001b.txt', 'ab', 'ab'],
    ['日本語.png', '日本語', 'file'],
    ['', 'file', 'file'],
  ])('"%s" shows as "%s" and names "%s"', (name, shown, id) => {
    expect(displayFilename(name)).toBe(shown);
    expect(filenameToId(name)).toBe(id);
  });

  test.each([
    ['a.txt', 'txt'],
    ['a.tar.GZ', 'gz'],
    ['README', ''],
    ['.bashrc', ''],
    ['a.verylongext', ''],
    ['a.p$p', ''],
  ])('the raw extension of "%s" is "%s"', (name, ext) => {
    expect(rawExtension(name)).toBe(ext);
  });
});
