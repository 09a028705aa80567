import { describe, expect, test } from 'vitest';
import { checkFolder, checkPublicId, checkTags, parseTags } from '../../src/protocol/rules.js';

const codeOf = (result: ReturnType<typeof checkPublicId>) => (result.ok ? 'ok' : result.error.code);

describe('public ID rules (shared by the widget and the server)', () => {
  test.each(['sample', 'a/b/c', 'photo_2024-01.v2', 'A9', 'x'.repeat(255)])('accepts %s', (id) => {
    expect(codeOf(checkPublicId(id))).toBe('ok');
  });
  test.each([
    '',
    '..',
    'a/../b',
    'a//b',
    '/a',
    'a/',
    'a..b',
    'a?b',
    'a#b',
    'a%2fb',
    'a\\b',
    'a<b>',
    'a&b',
    'a+b',
    'a b',
    'a\u0000b',
    '.hidden',
    'x'.repeat(256),
  ])('rejects %j with PUBLIC_ID_INVALID', (id) => {
    expect(codeOf(checkPublicId(id))).toBe('PUBLIC_ID_INVALID');
  });
});

describe('folder rules: letters, digits, "-" and "_" per segment', () => {
  test.each(['', 'trip', 'trip/day-1', 'users/42/avatars_x'])('accepts %j', (folder) => {
    expect(codeOf(checkFolder(folder))).toBe('ok');
  });
  test.each(['bad name!', 'a//b', 'a/', '/a', 'a/../b', 'a.b', 'ü'])('rejects %j with FOLDER_INVALID', (folder) => {
    expect(codeOf(checkFolder(folder))).toBe('FOLDER_INVALID');
  });
});

describe('tag rules', () => {
  test('accepts ordinary tags', () => {
    expect(codeOf(checkTags(['cats', 'summer 2024', 'ünïcödé']))).toBe('ok');
  });
  test.each([[['a,b']], [['a|b']], [['']], [[' ']], [['x'.repeat(256)]], [['rtl\u202eoverride']], [['tab\t']]])(
    'rejects %j with TAG_INVALID',
    (tags) => {
      expect(codeOf(checkTags(tags))).toBe('TAG_INVALID');
    },
  );
  test('rejects more than 50 tags', () => {
    expect(codeOf(checkTags(Array.from({ length: 51 }, (_, i) => `t${i}`)))).toBe('TAG_INVALID');
  });
  test('parses the comma-separated wire form', () => {
    expect(parseTags('a,b')).toEqual(['a', 'b']);
    expect(parseTags('')).toEqual([]);
  });
});
