// A rate limit (429 RATE_LIMITED with Retry-After, on signing or on the upload) is waited out once, as the answer
// says; a second one in a row is the file's outcome.
import { describe, expect, test } from 'vitest';
import { UploadError } from '../../src/errors.js';
import { bytes, choose, mount, next, pressUpload, signWithServer } from '../helpers/browser.js';

describe('rate limits in the widget', () => {
  test('a signing endpoint that says "wait a second" is asked again after that second, and the file uploads', async () => {
    const el = await mount();
    const asked: number[] = [];
    el.signUpload = async (params) => {
      asked.push(performance.now());
      if (asked.length === 1)
        throw new UploadError('RATE_LIMITED', 'Too many signing requests; try again in 1 s.', { retryAfter: 1 });
      return signWithServer(params);
    };
    choose(el, [new File([bytes(800, 31)], 'patient.bin')]);
    const success = next(el, 'signet-upload-success');
    await pressUpload(el);
    expect((await success).response.bytes).toBe(800);
    expect(asked).toHaveLength(2);
    // It waited as told (a behaviour, not a speed: the gap is the server's Retry-After).
    expect((asked[1] as number) - (asked[0] as number)).toBeGreaterThanOrEqual(900);
  });

  test('a second rate limit in a row is the file’s outcome (RATE_LIMITED), after one wait', async () => {
    const el = await mount();
    let asked = 0;
    el.signUpload = async () => {
      asked++;
      throw new UploadError('RATE_LIMITED', 'Too many signing requests; try again in 1 s.', { retryAfter: 1 });
    };
    choose(el, [new File([bytes(500, 32)], 'limited.bin')]);
    const failure = next(el, 'signet-upload-error');
    await pressUpload(el);
    expect((await failure).error.code).toBe('RATE_LIMITED');
    expect(asked).toBe(2);
  });
});
