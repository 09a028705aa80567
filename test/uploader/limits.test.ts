import { describe, expect, test } from 'vitest';
import { en } from '../../src/locales/en.js';
import { describeLimits, describeTypes, formatBytes, type Limits, tightest } from '../../src/uploader/limits.js';
import { restrictionError, typeAllowed } from '../../src/uploader/restrictions.js';
import { configUrl, offeredSources, parseInfo } from '../../src/uploader/server-info.js';
import { statusOf } from '../../src/uploader/status.js';

const limits = (over: Partial<Limits> = {}): Limits => ({
  allowedFileTypes: null,
  maxFileSize: null,
  maxNumberOfFiles: null,
  ...over,
});

describe('what the drop zone says it accepts', () => {
  test.each<[Partial<Limits>, string]>([
    [{}, 'Any type of file'],
    [{ maxNumberOfFiles: 1 }, 'Any type of file · One file'],
    [
      { allowedFileTypes: ['image/*', '.pdf'], maxFileSize: 50_000, maxNumberOfFiles: 5 },
      'Accepted: images, PDF · Up to 50 kB each · Up to 5 files',
    ],
    [{ allowedFileTypes: ['application/pdf', 'image/png', 'video/*'] }, 'Accepted: PDF, PNG, videos'],
  ])('%j → %j', (over, text) => {
    expect(describeLimits(limits(over), en.limits)).toBe(text);
  });

  test('types are named once each', () => {
    expect(describeTypes(['.pdf', 'application/pdf', 'image/*', 'image/*'], en.limits)).toBe('PDF, images');
  });

  test.each([
    [1, '1 byte'],
    [999, '999 bytes'],
    [50_000, '50 kB'],
    [1999, '1.9 kB'],
    [52_428_800, '52 MB'],
    [2 * 1024 ** 3, '2.1 GB'],
  ])('%d bytes read as %j (never more than the limit)', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  test('the tightest of the limits that are set', () => {
    expect(tightest(0, null, undefined)).toBeNull();
    expect(tightest(0, 5000)).toBe(5000);
    expect(tightest(9000, 5000)).toBe(5000);
  });
});

describe('why a file was kept out of the queue', () => {
  const file = { name: 'huge.png', type: 'image/png', size: 60_000 };

  test.each([
    ['a type not accepted', limits({ allowedFileTypes: ['.pdf'] }), 0, 'TYPE_NOT_ALLOWED', 'not accepted here (PDF)'],
    ['too large', limits({ maxFileSize: 50_000 }), 0, 'FILE_TOO_LARGE', 'larger than the limit of 50 kB'],
    ['one too many', limits({ maxNumberOfFiles: 3 }), 3, 'RESTRICTED', 'Only 3 files'],
    ['one file only', limits({ maxNumberOfFiles: 1 }), 1, 'RESTRICTED', 'Only one file'],
    ['already in the list', limits(), 0, 'RESTRICTED', 'already in the list'],
  ])('%s', (_name, given, queued, code, words) => {
    const error = restrictionError(file, given, queued, en);
    expect(error.code).toBe(code);
    expect(error.message).toContain(words);
  });

  test.each([
    [['image/*'], true],
    [['.PNG'], true],
    [['image/png'], true],
    [['image/jpeg', '.jpg'], false],
    [null, true],
  ])('accept %j lets huge.png in: %s', (accept, allowed) => {
    expect(typeAllowed(file, accept)).toBe(allowed);
  });
});

describe('what the server says about itself', () => {
  test('its config lives at <upload-url>/api/config; Cloudinary is never asked', () => {
    expect(configUrl('https://uploads.example.com')).toBe('https://uploads.example.com/api/config');
    expect(configUrl('https://uploads.example.com/base/')).toBe('https://uploads.example.com/base/api/config');
    expect(configUrl('https://api.cloudinary.com')).toBeNull();
    expect(configUrl('https://api-eu.cloudinary.com')).toBeNull();
    expect(configUrl('not a url')).toBeNull();
  });

  test('an answer is read leniently; a source it does not serve is not offered', () => {
    expect(
      parseInfo({ cloud_name: 'c1', api_key: 'k1', sources: ['local', 'url', 7], limits: { max_file_size: 50_000 } }),
    ).toEqual({ cloudName: 'c1', apiKey: 'k1', sources: ['local', 'url'], maxFileSize: 50_000 });
    expect(parseInfo({})).toEqual({ cloudName: '', apiKey: '', sources: null, maxFileSize: null });
    expect(offeredSources(['dropbox', 'local', 'url'], ['local', 'url'])).toEqual(['local', 'url']);
    expect(offeredSources(['dropbox', 'url'], null)).toEqual(['dropbox', 'url']);
    // The device's own sources do not depend on the server.
    expect(offeredSources(['camera', 'dropbox', 'local'], ['url'])).toEqual(['camera', 'local']);
  });
});

describe('status', () => {
  const waiting = { progress: { uploadStarted: null } };
  const failed = { progress: { uploadStarted: 1, uploadComplete: false }, error: 'x' };
  test.each([
    [[], null, 'idle'],
    [[], 'complete', 'complete'],
    [[], 'error', 'error'],
    [[waiting], 'complete', 'ready'],
    [[failed], null, 'error'],
  ] as const)('%j after a run that was %s → %s', (files, lastRun, status) => {
    expect(statusOf(files, lastRun)).toBe(status);
  });
});
