// `return-delete-token`: the upload asks for a delete token (signed with the rest), and for 10 minutes the person can
// delete a file they just uploaded from its result line. Against the reference server: the asset is gone for real.
import { expect, test } from 'vitest';
import { bytes, choose, listAssets, mount, next, pressUpload, results, server } from '../helpers/browser.js';

async function uploadOne(el: Awaited<ReturnType<typeof mount>>, name: string) {
  const success = next(el, 'signet-upload-success');
  choose(el, [new File([bytes(4000, name.length)], name)]);
  await pressUpload(el);
  return (await success).response as { public_id: string; secure_url: string; delete_token?: string };
}

test('a file just uploaded is deleted from the server from its line; it leaves the form value too', async () => {
  const form = document.createElement('form');
  const el = await mount({ name: 'attachments', multiple: '', 'return-delete-token': '' }, form);
  const response = await uploadOne(el, 'regret.bin');
  expect(typeof response.delete_token).toBe('string');
  expect((await listAssets()).some((a) => a.public_id === response.public_id)).toBe(true);
  expect(new FormData(form).getAll('attachments')).toEqual([response.secure_url]);
  await expect.poll(() => results(el)[0]?.buttons).toEqual(['Delete']);
  const button = el.shadowRoot?.querySelector<HTMLButtonElement>('[part~="result-success"] button');
  expect(button?.getAttribute('aria-label')).toBe('Delete regret.bin from the server');

  button?.click();
  await expect.poll(() => results(el)).toEqual([]);
  expect((await listAssets()).some((a) => a.public_id === response.public_id)).toBe(false);
  expect((await fetch(response.secure_url)).status).toBe(404);
  expect(new FormData(form).getAll('attachments')).toEqual([]);
});

test('without return-delete-token no token is asked for and no Delete is offered', async () => {
  const el = await mount();
  const response = await uploadOne(el, 'kept.bin');
  expect(response.delete_token).toBeUndefined();
  await expect.poll(() => results(el)[0]?.status).toBe('success');
  expect(results(el)[0]?.buttons).toEqual([]);
});

test('a delete the server refuses leaves the line, says why, and the file stays listed', async () => {
  const el = await mount({ 'return-delete-token': '' });
  const response = await uploadOne(el, 'twice.bin');
  // Someone (another tab) used the token first: the asset is gone, the token names nothing now.
  const first = await fetch(`${server().url}/v1_1/${server().cloudName}/delete_by_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: response.delete_token }),
  });
  expect(first.status).toBe(200);
  const error = next(el, 'signet-upload-error');
  el.shadowRoot?.querySelector<HTMLButtonElement>('[part~="result-success"] button')?.click();
  const { error: refused, file } = await error;
  expect(file.name).toBe('twice.bin');
  expect(['NOT_FOUND', 'SIGNATURE_INVALID']).toContain(refused.code);
  await expect.poll(() => results(el).map((r) => r.status)).toEqual(['success', 'refused']);
  expect(results(el)[0]?.buttons).toEqual(['Delete']);
  expect(results(el)[1]?.name).toBe('twice.bin');
});
