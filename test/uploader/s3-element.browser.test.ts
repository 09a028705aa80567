// <signet-uploader backend="s3">: the element itself, driven like a person (its file input and Upload button),
// uploading straight to radosgw through the S3 + PostgreSQL reference server of server/test/services-setup.ts.
import { expect, inject, test } from 'vitest';
import '../../src/define.js';
import type { UploadParams } from '../../src/protocol/params.js';
import { bytes, choose, next, pressUpload, sha256 } from '../helpers/browser.js';

const s3Server = () => inject('s3Server');
const auth = () => ({ authorization: `Bearer ${s3Server().token}` });

test('backend="s3" sends the chosen file to the bucket and fires success with the server JSON; bytes are equal', async () => {
  const el = document.createElement('signet-uploader');
  el.setAttribute('backend', 's3');
  el.setAttribute('upload-url', s3Server().url);
  el.setAttribute('cloud-name', s3Server().cloudName);
  el.signUpload = async (params: UploadParams) =>
    (
      await fetch(`${s3Server().url}/api/sign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth() },
        body: JSON.stringify(params),
      })
    ).json();
  el.serverHeaders = auth;
  document.body.append(el);
  try {
    await el.updateComplete;
    await el.ready;
    expect(el.uppy?.getPlugin('SignetS3')).toBeTruthy();
    const data = bytes(200_000, 4);
    choose(el, [new File([data], 'direct.bin', { type: 'application/octet-stream' })]);
    const success = next(el, 'signet-upload-success');
    await pressUpload(el);
    const { response } = await success;
    expect(response.bytes).toBe(data.length);
    const delivered = await (await fetch(response.secure_url)).arrayBuffer();
    expect(await sha256(delivered)).toBe(await sha256(data));
  } finally {
    el.remove();
  }
});
