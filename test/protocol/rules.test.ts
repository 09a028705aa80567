import { describe, expect, test } from 'vitest';
import { checkOptions, EMPTY_OPTIONS } from '../../src/options/options.js';
import {
  checkFolder,
  checkPublicId,
  checkTags,
  encodeContext,
  parseContext,
  parseTags,
} from '../../src/protocol/rules.js';

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

describe('context: one codec and one key rule for the panel and the server', () => {
  test.each([
    ['', {}],
    ['alt=A beach', { alt: 'A beach' }],
    ['alt=a|caption=b', { alt: 'a', caption: 'b' }],
    ['caption=x\\=y\\|z', { caption: 'x=y|z' }],
    ['k=a=b', { k: 'a=b' }],
    ['alt.text=dotted keys are fine', { 'alt.text': 'dotted keys are fine' }],
  ])('"%s" → %j', (text, expected) => {
    const parsed = parseContext(text);
    expect(parsed.ok).toBe(true);
    expect(parsed.context).toEqual(expected);
    // What the panel encodes, the server decodes to the same map.
    expect(parseContext(encodeContext(expected)).context).toEqual(expected);
  });

  test.each(['novalue', '=x', 'bad key=x', '__proto__ x=1', 'a=1|'])('refuses "%s" with CONTEXT_INVALID', (text) => {
    const parsed = parseContext(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe('CONTEXT_INVALID');
  });

  test('the panel accepts what the server accepts (alt.text), and names a bad key as a context problem', () => {
    expect(checkOptions({ ...EMPTY_OPTIONS, context: { 'alt.text': 'x' } })).toEqual({ ok: true });
    const refused = checkOptions({ ...EMPTY_OPTIONS, context: { 'bad key': 'x' } });
    expect(refused).toMatchObject({ ok: false, reason: 'INVALID_CONTEXT', error: { code: 'CONTEXT_INVALID' } });
  });

  test('a value with every delimiter survives the round trip', () => {
    const context = { note: 'a=b|c\\d' };
    expect(parseContext(encodeContext(context)).context).toEqual(context);
  });
});
