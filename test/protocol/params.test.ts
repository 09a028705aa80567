import { describe, expect, test } from 'vitest';
import { stringToSign } from '../../src/protocol/params.js';
import { statusOf } from '../../src/uploader/status.js';

describe("Cloudinary's string to sign", () => {
  test('drops unsigned and blank parameters, sorts, joins arrays with commas', () => {
    expect(
      stringToSign({
        timestamp: 1315060510,
        public_id: 'sample_image',
        eager: 'w_400,h_300,c_pad|w_260,h_200,c_crop',
        api_key: '1234',
        file: 'x',
        cloud_name: 'c',
        resource_type: 'image',
        signature: 's',
        folder: '',
        tags: ['a', 'b'],
      }),
    ).toBe('eager=w_400,h_300,c_pad|w_260,h_200,c_crop&public_id=sample_image&tags=a,b&timestamp=1315060510');
  });
  test('version 2 escapes & inside a value, so a value cannot forge another pair', () => {
    expect(stringToSign({ a: '1&b=2' })).not.toBe(stringToSign({ a: '1', b: '2' }));
    expect(stringToSign({ a: '1&b=2' }, 1)).toBe(stringToSign({ a: '1', b: '2' }, 1));
  });
});

describe('status of the widget, from the queue', () => {
  const file = (uploadStarted: number | null, uploadComplete = false, error: string | null = null) => ({
    progress: { uploadStarted, uploadComplete },
    error,
  });
  test.each([
    [[], 'idle'],
    [[file(null)], 'ready'],
    [[file(1), file(null)], 'uploading'],
    [[file(1, true), file(1, true)], 'complete'],
    [[file(1, true), file(1, false, 'boom')], 'error'],
  ] as const)('%j → %s', (files, status) => {
    expect(statusOf(files)).toBe(status);
  });
});
