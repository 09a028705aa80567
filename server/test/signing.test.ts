import cloudinary from 'cloudinary';
import type { UploadParams } from 'signet-upload/protocol';
import { describe, expect, test } from 'vitest';
import { checkTimestamp, responseSignature, sign, verify } from '../src/signing.js';

const sdk = cloudinary.v2.utils;
// The SDK's typings declare two parameters; the function takes the algorithm and signature version too.
const sdkSign = sdk.api_sign_request as unknown as (
  params: object,
  secret: string,
  algorithm: string,
  version: number,
) => string;
const DOC_PARAMS = { timestamp: 1315060510, public_id: 'sample_image', eager: 'w_400,h_300,c_pad|w_260,h_200,c_crop' };

describe('sign', () => {
  test('matches the documented Cloudinary example', () => {
    expect(sign(DOC_PARAMS, 'abcd')).toBe('bfd09f95f331f558cbd1320e67aa8d488770583e');
  });

  test('leaves out file, cloud_name, resource_type, api_key and signature_algorithm', () => {
    const noisy = {
      ...DOC_PARAMS,
      file: 'x',
      cloud_name: 'c',
      resource_type: 'image',
      api_key: '1',
      signature_algorithm: 'sha1',
    };
    expect(sign(noisy, 'abcd')).toBe('bfd09f95f331f558cbd1320e67aa8d488770583e');
  });

  test('matches the support article sanity check', () => {
    expect(sign({ public_id: 'sample_image', timestamp: 1315060510 }, 'abcd')).toBe(
      'b4ad47fb4e25c7bf5f92a20089f9db59bc302313',
    );
  });

  const paramSets: [string, UploadParams][] = [
    ['plain', { timestamp: 1764230000, public_id: 'a/b', source: 'signet' }],
    ['arrays and booleans', { timestamp: 1764230000, tags: ['x', 'y'], use_filename: true, unique_filename: false }],
    ['& and = inside values', { timestamp: 1764230000, context: 'alt=a&b|caption=c=d', display_name: 'Tom & Jerry' }],
    ['unicode and blanks', { timestamp: 1764230000, display_name: 'Crème brûlée ☕', folder: '', tags: [] }],
  ];
  for (const [name, params] of paramSets) {
    for (const algorithm of ['sha1', 'sha256'] as const) {
      test(`equals the official SDK's api_sign_request: ${name}, ${algorithm}`, () => {
        expect(sign(params, 'secret-xyz', { algorithm })).toBe(sdkSign(params, 'secret-xyz', algorithm, 2));
      });
    }
  }

  test('version 2 escaping keeps {a: "1&b=2"} and {a: "1", b: "2"} apart (version 1 does not)', () => {
    expect(sign({ a: '1&b=2' }, 's')).not.toBe(sign({ a: '1', b: '2' }, 's'));
    expect(sign({ a: '1&b=2' }, 's', { version: 1 })).toBe(sign({ a: '1', b: '2' }, 's', { version: 1 }));
  });
});

describe('verify', () => {
  const params = { timestamp: 1764230000, public_id: 'sample' };
  const good = sign(params, 'secret');

  test('accepts its own SHA-1 and SHA-256 signatures, upper-case hex too', () => {
    expect(verify(params, good, 'secret')).toBe(true);
    expect(verify(params, good.toUpperCase(), 'secret')).toBe(true);
    expect(verify(params, sign(params, 'secret', { algorithm: 'sha256' }), 'secret')).toBe(true);
    expect(verify(params, sign(params, 'secret', { algorithm: 'sha256' }), 'secret', 'sha256')).toBe(true);
  });

  test.each([
    ['another secret', sign(params, 'other')],
    ['truncated', good.slice(0, 39)],
    ['one character longer', `${good}0`],
    ['non-hex of the right length', `${good.slice(0, 38)}zz`],
    ['empty', ''],
    ['a SHA-1 signature claimed to be SHA-256', good],
  ])('refuses a signature that is %s, without throwing', (name, signature) => {
    const algorithm = name.includes('claimed') ? 'sha256' : undefined;
    expect(verify(params, signature, 'secret', algorithm)).toBe(false);
  });

  test('refuses any changed value', () => {
    expect(verify({ ...params, public_id: 'other' }, good, 'secret')).toBe(false);
    expect(verify({ ...params, timestamp: params.timestamp + 1 }, good, 'secret')).toBe(false);
    expect(verify({ ...params, overwrite: 'true' }, good, 'secret')).toBe(false);
  });

  test('refuses a version 1 signature that smuggles a pair inside a value', () => {
    const v1 = sign({ a: '1', b: '2', timestamp: 1 }, 'secret', { version: 1 });
    expect(verify({ a: '1&b=2', timestamp: 1 }, v1, 'secret')).toBe(false);
  });
});

describe('responseSignature', () => {
  test('is the documented sha1("public_id=…&version=…" + secret)', () => {
    expect(responseSignature('sample', 1315060510, 'abcd')).toBe('912d90b6fe28aa6820cf928bc440a65a0f36e002');
  });
});

describe('checkTimestamp', () => {
  const window = { windowSeconds: 3600, futureSkewSeconds: 60 };
  test.each([
    [1000, 1000, 'ok'],
    [1000 - 3600, 1000, 'ok'],
    [1000 - 3601, 1000, 'expired'],
    [1060, 1000, 'ok'],
    [1061, 1000, 'future'],
  ])('timestamp %i at %i is %s', (timestamp, now, verdict) => {
    expect(checkTimestamp(timestamp, now, window)).toBe(verdict);
  });
});
