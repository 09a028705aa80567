import { describe, expect, test } from 'vitest';
import { ParamCollector, parseUploadRequest } from '../../src/pipeline/request.js';

describe('ParamCollector', () => {
  test('takes each name once, whatever its form', () => {
    const params = new ParamCollector();
    params.add('public_id', 'a');
    params.add('tags[]', 'x,y');
    expect(params.values()).toEqual({ public_id: 'a', tags: 'x,y' });
    expect(() => params.add('tags', 'z')).toThrow(expect.objectContaining({ code: 'PARAM_DUPLICATE' }));
    expect(() => params.add('public_id', 'a')).toThrow(expect.objectContaining({ code: 'PARAM_DUPLICATE' }));
  });

  test('remembers every unknown name and names them all', () => {
    const params = new ParamCollector();
    params.add('eager', 'w_1');
    params.add('public_id', 'a');
    params.add('__proto__', 'x');
    expect(() => params.assertKnown()).toThrow(/"eager", "__proto__"/);
    expect(params.values()).toEqual({ public_id: 'a' });
  });
});

describe('parseUploadRequest', () => {
  const base = { api_key: '1', signature: 'abc', timestamp: '100' };

  test('reads values, defaults and the exact signed set', () => {
    const request = parseUploadRequest({
      ...base,
      public_id: 'a',
      tags: 'x,y',
      use_filename: '1',
      signature_algorithm: 'sha256',
    });
    expect(request).toMatchObject({
      timestamp: 100,
      algorithm: 'sha256',
      explicit: { publicId: 'a', folder: undefined, tags: ['x', 'y'], useFilename: true, uniqueFilename: undefined },
    });
    expect(request.signed).toEqual({ timestamp: '100', public_id: 'a', tags: 'x,y', use_filename: '1' });
  });

  test('reads blank values as absent', () => {
    expect(parseUploadRequest({ ...base, public_id: '', folder: '' }).explicit).toMatchObject({
      publicId: undefined,
      folder: undefined,
    });
  });

  test.each([
    [{ api_key: '' }, 'SIGNATURE_INVALID'],
    [{ signature: '' }, 'SIGNATURE_INVALID'],
    [{ timestamp: '' }, 'PARAM_INVALID'],
    [{ timestamp: '-5' }, 'PARAM_INVALID'],
    [{ signature_algorithm: 'md5' }, 'PARAM_INVALID'],
    [{ use_filename: 'yes' }, 'PARAM_INVALID'],
    [{ display_name: 'a\u0000b' }, 'PARAM_INVALID'],
    [{ public_id: 'a/../b' }, 'PUBLIC_ID_INVALID'],
    [{ asset_folder: 'a//b' }, 'FOLDER_INVALID'],
    [{ tags: ',' }, 'TAG_INVALID'],
    [{ context: 'bad key=x' }, 'CONTEXT_INVALID'],
  ])('%j → %s', (change, code) => {
    expect(() => parseUploadRequest({ ...base, ...change })).toThrow(expect.objectContaining({ code }));
  });
});
