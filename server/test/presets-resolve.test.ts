// Preset definitions and precedence as pure functions: what a preset may say, and which layer wins.
import { describe, expect, test } from 'vitest';
import { compileNamePattern, parsePreset, type UploadPreset } from '../src/presets/definition.js';
import { autoTags, type ExplicitParams, resolveUploadSettings, type UploadSettings } from '../src/presets/resolve.js';

const preset = (name: string, settings: Omit<UploadPreset, 'name' | 'unsigned'> = {}): UploadPreset => ({
  name,
  unsigned: false,
  ...settings,
});

describe('resolveUploadSettings: default preset < explicit preset < request parameters', () => {
  const base = preset('base', {
    folder: 'base',
    tags: ['site', 'shared'],
    context: { source: 'site', alt: 'default' },
    use_filename: true,
    unique_filename: false,
    overwrite: true,
    allowed_formats: ['jpg', 'png'],
    max_file_size: 1000,
  });
  const named = preset('named', {
    folder: 'named',
    tags: ['shared', 'named'],
    context: { alt: 'named' },
    unique_filename: true,
    overwrite: false,
    allowed_formats: ['pdf'],
    max_file_size: 5000,
  });

  test.each<[string, UploadPreset | null, UploadPreset | null, ExplicitParams, Partial<UploadSettings>]>([
    [
      'nothing at all: Cloudinary’s defaults',
      null,
      null,
      {},
      {
        folder: '',
        tags: [],
        context: {},
        useFilename: false,
        uniqueFilename: true,
        overwrite: false,
        allowedFormats: null,
        maxFileSize: null,
        moderation: null,
        autoTagging: [],
      },
    ],
    [
      'the default preset alone applies',
      base,
      null,
      {},
      {
        folder: 'base',
        tags: ['site', 'shared'],
        context: { source: 'site', alt: 'default' },
        useFilename: true,
        uniqueFilename: false,
        overwrite: true,
        allowedFormats: ['jpg', 'png'],
        maxFileSize: 1000,
      },
    ],
    [
      'an explicit preset replaces scalars and lists, merges tags and context',
      base,
      named,
      {},
      {
        folder: 'named',
        tags: ['site', 'shared', 'named'],
        context: { source: 'site', alt: 'named' },
        useFilename: true,
        uniqueFilename: true,
        overwrite: false,
        allowedFormats: ['pdf'],
        maxFileSize: 5000,
      },
    ],
    [
      'an explicit preset without a default',
      null,
      named,
      {},
      { folder: 'named', tags: ['shared', 'named'], useFilename: false, allowedFormats: ['pdf'] },
    ],
    [
      'request parameters win over both presets (tags still merged)',
      base,
      named,
      {
        folder: 'mine',
        tags: ['mine', 'site'],
        context: { alt: 'mine' },
        useFilename: false,
        uniqueFilename: false,
        overwrite: true,
      },
      {
        folder: 'mine',
        tags: ['site', 'shared', 'named', 'mine'],
        context: { source: 'site', alt: 'mine' },
        useFilename: false,
        uniqueFilename: false,
        overwrite: true,
        allowedFormats: ['pdf'],
        maxFileSize: 5000,
      },
    ],
    ['an empty folder is a value, not an absence', base, preset('root', { folder: '' }), {}, { folder: '' }],
    ['an empty folder from the request as well', base, null, { folder: '' }, { folder: '' }],
    [
      'the request’s own values pass through',
      null,
      null,
      { publicId: 'p', assetFolder: 'af', displayName: 'd', filenameOverride: 'f.png' },
      { publicId: 'p', assetFolder: 'af', displayName: 'd', filenameOverride: 'f.png' },
    ],
    [
      'moderation in the default preset holds under an explicit one',
      preset('m', { moderation: 'manual' }),
      named,
      {},
      { moderation: 'manual' },
    ],
    ['moderation in the explicit preset', null, preset('m', { moderation: 'manual' }), {}, { moderation: 'manual' }],
    [
      'auto-tagging rules of both presets apply, default first',
      preset('a', { auto_tagging: [{ when: { type: 'image' }, add: ['photo'] }] }),
      preset('b', { auto_tagging: [{ when: { extension: 'pdf' }, add: ['document'] }] }),
      {},
      {
        autoTagging: [
          { when: { type: 'image' }, add: ['photo'] },
          { when: { extension: 'pdf' }, add: ['document'] },
        ],
      },
    ],
    [
      'which of tags and context the request sent',
      base,
      null,
      { tags: ['x'] },
      { sent: { tags: true, context: false } },
    ],
  ])('%s', (_name, defaultPreset, explicitPreset, params, expected) => {
    expect(resolveUploadSettings(defaultPreset, explicitPreset, params)).toMatchObject(expected);
  });

  test.each<[string, UploadPreset | null, UploadPreset | null, ExplicitParams]>([
    ['a preset that says overwrite', null, preset('u', { overwrite: true }), {}],
    ['a default preset that says overwrite', preset('d', { overwrite: true }), preset('u'), {}],
    ['a request that says overwrite', null, preset('u'), { overwrite: true }],
  ])('an unsigned upload never overwrites: %s', (_name, defaultPreset, explicitPreset, params) => {
    expect(resolveUploadSettings(defaultPreset, explicitPreset, params, { unsigned: true }).overwrite).toBe(false);
    expect(resolveUploadSettings(defaultPreset, explicitPreset, params).overwrite).toBe(true);
  });
});

describe('autoTags', () => {
  const rules = [
    { when: { type: 'image' as const }, add: ['photo'] },
    { when: { extension: 'pdf' }, add: ['document', 'photo'] },
    { when: { name: '^IMG_\\d+$' }, add: ['camera'] },
    { when: { type: 'raw' as const, extension: 'csv' }, add: ['data'] },
  ];

  test.each([
    [{ resourceType: 'image', format: 'png', name: 'holiday' }, ['photo']],
    [{ resourceType: 'image', format: 'pdf', name: 'scan' }, ['photo', 'document']],
    [{ resourceType: 'image', format: 'jpg', name: 'IMG_0042' }, ['photo', 'camera']],
    [{ resourceType: 'raw', format: 'csv', name: 'IMG_x' }, ['data']],
    [{ resourceType: 'video', format: 'csv', name: 'clip' }, []],
    [{ resourceType: 'raw', format: 'PDF', name: 'img_1' }, ['document', 'photo']],
  ])('%j → %j', (facts, tags) => {
    expect(autoTags(rules, facts)).toEqual(tags);
  });
});

describe('parsePreset', () => {
  test('normalises a full definition', () => {
    expect(
      parsePreset(
        {
          unsigned: true,
          folder: 'ugc/photos',
          tags: 'a,b,a',
          context: { alt: 'x' },
          use_filename: true,
          unique_filename: false,
          overwrite: false,
          allowed_formats: ['JPEG', 'png', 'pdf'],
          max_file_size: 1024,
          moderation: 'manual',
          auto_tagging: [{ when: { type: 'image', extension: 'JPG', name: '^IMG_' }, add: ['photo'] }],
        },
        'ugc',
      ),
    ).toEqual({
      name: 'ugc',
      unsigned: true,
      folder: 'ugc/photos',
      tags: ['a', 'b'],
      context: { alt: 'x' },
      use_filename: true,
      unique_filename: false,
      overwrite: false,
      allowed_formats: ['jpg', 'png', 'pdf'],
      max_file_size: 1024,
      moderation: 'manual',
      auto_tagging: [{ when: { type: 'image', extension: 'jpg', name: '^IMG_' }, add: ['photo'] }],
    });
    expect(parsePreset({}, 'empty')).toEqual({ name: 'empty', unsigned: false });
  });

  test.each<[string, unknown, string?]>([
    ['not an object', ['unsigned']],
    ['an unknown key', { unsigned: true, eager: 'w_100' }],
    ['a misspelt key', { allowed_format: ['jpg'] }],
    ['a different name inside', { name: 'other' }],
    ['a bad preset name', {}, 'bad name'],
    ['a non-boolean flag', { overwrite: 'true' }],
    ['an invalid folder', { folder: 'a//b' }],
    ['a folder with ..', { folder: '../x' }],
    ['a tag with a delimiter', { tags: ['a|b'] }],
    ['an over-long tag', { tags: ['t'.repeat(256)] }],
    ['tags that are not strings', { tags: [1, 2] }],
    ['a bad context key', { context: { 'bad key': 'x' } }],
    ['a context value that is not text', { context: { alt: 1 } }],
    ['an empty format list', { allowed_formats: [] }],
    ['a format that is not a name', { allowed_formats: ['.jpg'] }],
    ['a fractional size', { max_file_size: 10.5 }],
    ['a zero size', { max_file_size: 0 }],
    ['a size as text', { max_file_size: '100' }],
    ['another moderation kind', { moderation: 'aws_rek' }],
    ['auto-tagging that is not a list', { auto_tagging: { when: {}, add: [] } }],
    ['a rule without conditions', { auto_tagging: [{ when: {}, add: ['x'] }] }],
    ['a rule with an unknown condition', { auto_tagging: [{ when: { size: 10 }, add: ['x'] }] }],
    ['a rule with an unknown key', { auto_tagging: [{ when: { type: 'image' }, add: ['x'], remove: ['y'] }] }],
    ['a rule with an unknown type', { auto_tagging: [{ when: { type: 'document' }, add: ['x'] }] }],
    ['a rule that adds nothing', { auto_tagging: [{ when: { type: 'image' }, add: [] }] }],
    ['a rule that adds a bad tag', { auto_tagging: [{ when: { type: 'image' }, add: ['a|b'] }] }],
    ['a nested quantifier', { auto_tagging: [{ when: { name: '(a+)+$' }, add: ['x'] }] }],
    ['an over-long pattern', { auto_tagging: [{ when: { name: 'a'.repeat(201) }, add: ['x'] }] }],
    ['an invalid pattern', { auto_tagging: [{ when: { name: '(unclosed' }, add: ['x'] }] }],
  ])('refuses %s with PARAM_INVALID', (_name, definition, name = 'p') => {
    expect(() => parsePreset(definition, name)).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
  });

  test('a comma inside a listed tag is refused, not split', () => {
    expect(() => parsePreset({ tags: ['a,b'] }, 'p')).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
  });
});

describe('compileNamePattern', () => {
  test.each([
    '^IMG_',
    '^IMG_\\d{4}$',
    '(?:DSC|IMG)_\\d+',
    '^[a-z]+-\\d+$',
    '\\.(?:jpe?g)$',
    'a*b+c?',
    '(ab)+',
    '(?<y>\\d{4})-',
  ])('accepts %s', (pattern) => {
    expect(compileNamePattern(pattern)).toBeInstanceOf(RegExp);
  });

  test.each([
    ['(a+)+', 'nested'],
    ['(a*)*b', 'nested'],
    ['((ab)*c)+', 'nested'],
    ['(a{2,})*', 'nested'],
    ['(?:x+y)+', 'nested'],
    ['(a|aa)+', 'nested'],
    ['(\\w+\\s?)*$', 'nested'],
    ['(a)\\1', 'backreferences'],
    ['(?<n>a)\\k<n>', 'backreferences'],
    ['x'.repeat(201), '200'],
    ['', '200'],
    ['[', 'valid'],
  ])('refuses %s', (pattern, reason) => {
    expect(() => compileNamePattern(pattern)).toThrow(reason);
  });

  test('escaped and bracketed quantifier characters are not quantifiers', () => {
    expect(compileNamePattern('(a\\+)+').test('a+a+')).toBe(true);
    expect(compileNamePattern('([+*])+').test('+*')).toBe(true);
  });
});
