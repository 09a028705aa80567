// What the page's callback reads: Cloudinary's info shapes built from our events, and the signature diagnostics.
import { describe, expect, test } from 'vitest';
import {
  askedString,
  describeMismatch,
  expectedString,
  missingPairs,
} from '../../src/cloudinary-widget/diagnostics.js';
import { pathOf, queueItem, successInfo, uploadAddedInfo } from '../../src/cloudinary-widget/events.js';
import { frameWords } from '../../src/cloudinary-widget/words.js';
import { UploadError } from '../../src/errors.js';
import type { UploadApiResponse } from '../../src/protocol/params.js';

const response = {
  asset_id: 'a1',
  public_id: 'trip/dog',
  version: 1700000000,
  version_id: 'v1',
  signature: 'abc',
  format: 'png',
  resource_type: 'image',
  type: 'upload',
  secure_url: 'https://res.cloudinary.com/demo/image/upload/v1700000000/trip/dog.png',
  url: 'http://res.cloudinary.com/demo/image/upload/v1700000000/trip/dog.png',
} as UploadApiResponse;
const file = { id: 'uppy-dog', name: 'dog.png', size: 10, type: 'image/png' };

describe('success info', () => {
  test('the upload response plus the widget’s id, batch, path and thumbnail', () => {
    expect(successInfo(file, response, 'batch-1', 'https://api.cloudinary.com')).toEqual({
      ...response,
      id: 'uppy-dog',
      batchId: 'batch-1',
      path: 'v1700000000/trip/dog.png',
      thumbnail_url: 'https://res.cloudinary.com/demo/image/upload/c_limit,h_60,w_90/v1700000000/trip/dog.png',
    });
  });

  test('a Signet server’s thumbnail is the image itself; files that are not images have none', () => {
    expect(successInfo(file, response, 'b', 'http://127.0.0.1:8787').thumbnail_url).toBe(response.secure_url);
    const raw = { ...response, resource_type: 'raw', public_id: 'notes.txt', format: 'txt' } as UploadApiResponse;
    const info = successInfo(file, raw, 'b', 'http://127.0.0.1:8787');
    expect(info.thumbnail_url).toBeUndefined();
    expect(info.path).toBe('v1700000000/notes.txt');
  });

  test.each([
    [{ version: 3, public_id: 'a', format: 'jpg' }, 'v3/a.jpg'],
    [{ version: 3, public_id: 'a.pdf', format: 'pdf' }, 'v3/a.pdf'],
    [{ version: 3, public_id: 'a', format: '' }, 'v3/a'],
  ])('pathOf(%j) = %s', (value, path) => {
    expect(pathOf(value)).toBe(path);
  });
});

describe('queue items (queues-end, show-completed)', () => {
  test('an uploaded file carries its upload info; a refused one its error', () => {
    const done = queueItem({ status: 'success', file, response }, 'b1', 'http://s');
    expect(done).toMatchObject({ id: 'uppy-dog', batchId: 'b1', done: true, failed: false, progress: 100 });
    expect(done.uploadInfo?.public_id).toBe('trip/dog');
    const refused = queueItem(
      { status: 'refused', file, error: new UploadError('TYPE_NOT_ALLOWED', 'No.') },
      'b1',
      'http://s',
    );
    expect(refused).toMatchObject({ failed: true, progress: 0, error: { code: 'TYPE_NOT_ALLOWED', message: 'No.' } });
    expect(refused.uploadInfo).toBeUndefined();
  });
});

test('upload-added: the file’s name, size, type and dates, and the widget’s id for it', () => {
  const data = new File(['x'], 'a.txt', { type: 'text/plain', lastModified: 1_700_000_000_000 });
  expect(uploadAddedInfo({ id: 'f1', name: 'a.txt', size: 1, type: 'text/plain', data })).toEqual({
    file: {
      lastModified: 1_700_000_000_000,
      lastModifiedDate: new Date(1_700_000_000_000),
      name: 'a.txt',
      size: 1,
      type: 'text/plain',
    },
    publicId: 'f1',
    id: 'f1',
  });
});

describe('signature diagnostics', () => {
  const message = "Invalid Signature 0123abcd. String to sign - 'folder=trip&source=uw&timestamp=1700000000'.";

  test('reads the string Cloudinary (and the reference server) expected from the 401 message', () => {
    expect(expectedString(message)).toBe('folder=trip&source=uw&timestamp=1700000000');
    expect(expectedString('Invalid Signature 0123.')).toBeNull();
  });

  test('writes what the page was asked to sign as Cloudinary writes a string to sign', () => {
    expect(askedString({ timestamp: 1700000000, source: 'uw', folder: 'trip', api_key: 'k' })).toBe(
      'folder=trip&source=uw&timestamp=1700000000',
    );
  });

  test('names the pairs left out and the pairs signed but not sent', () => {
    expect(missingPairs('a=1&source=uw&timestamp=2', 'a=1&timestamp=3')).toEqual(['source=uw', 'timestamp=2']);
    const text = describeMismatch('folder=trip&source=uw&timestamp=5', 'folder=trip&timestamp=5', frameWords);
    expect(text).toContain('“folder=trip&source=uw&timestamp=5”');
    expect(text).toContain('“folder=trip&timestamp=5”');
    expect(text).toContain('Not signed: source=uw. Signed but not sent: —.');
  });

  test('when both agree, the fault is how the endpoint signed; a page-load string must sign exactly the string', () => {
    expect(describeMismatch('a=1', 'a=1', frameWords)).toContain(frameWords.diagnosisSame);
    expect(describeMismatch('a=1&source=uw', '', frameWords, true)).toBe(
      'The page’s uploadSignature string was computed before the upload: it must sign exactly “a=1&source=uw”.',
    );
  });
});
