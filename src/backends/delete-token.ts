/**
 * Cloudinary's `delete_by_token`: an upload made with `return_delete_token` answers a `delete_token`, with which
 * whoever uploaded the asset may delete it, without a signature, for 10 minutes. Real Cloudinary and the reference
 * server take the same request.
 */
import { UploadError } from '../errors.js';
import { apiUrl } from './api-url.js';
import { errorFromBody } from './signer.js';

export async function deleteByToken(uploadUrl: string, cloudName: string, token: string): Promise<void> {
  const endpoint = apiUrl(uploadUrl, cloudName, 'delete_by_token');
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  }).catch((cause: unknown) => {
    throw new UploadError('NETWORK_ERROR', 'The delete request did not reach the server.', { cause });
  });
  if (response.ok) return;
  const body: unknown = await response.json().catch(() => null);
  throw errorFromBody(body, response.status, `The delete was refused (HTTP ${response.status}).`);
}
