/**
 * The answer when an upload's public ID is taken and overwrite is off. Cloudinary answers with the stored asset and
 * `existing: true`, which hands the caller that asset's tags, context, URL, size and dates. Here only a caller who
 * may view the asset gets that answer:
 *
 *   the API secret's holder   yes: it can read every asset through the Admin API anyway
 *   signed through /api/sign  when every user it was signed for may view the asset now: its folder within their
 *                             grants, and its status one they see (auth/access.ts `viewerScope`: a contributor never
 *                             sees rejected assets, nor pending ones when pending assets are not delivered)
 *   unsigned                  never, even with public listing on: a stranger gets nothing from a name they guessed
 *
 * Everyone else gets 400 PUBLIC_ID_INVALID, worded the same whatever holds the name (an active, pending or rejected
 * asset), so the refusal says only what the failed upload says anyway: this name cannot be had.
 */
import { type UploadApiResponse, UploadError } from 'signet-upload/protocol';
import { type JsonContext, toUploadResponse } from '../asset-json.js';
import { viewerScope } from '../auth/access.js';
import { isWithin } from '../auth/permissions.js';
import type { AssetRecord } from '../catalog/catalog.js';
import type { ServerContext } from '../context.js';
import type { Signer } from './authorize.js';

type ViewContext = Pick<ServerContext, 'catalog' | 'config' | 'credentials' | 'demoToken'>;

export async function existingAnswer(
  ctx: ViewContext,
  signer: Signer,
  record: AssetRecord,
  json: JsonContext,
): Promise<UploadApiResponse> {
  if (!(await mayView(ctx, signer, record)))
    throw new UploadError(
      'PUBLIC_ID_INVALID',
      `The public ID "${record.publicId}" is not available to this upload; choose another one, or send none for a generated one.`,
    );
  return { ...toUploadResponse(record, json), existing: true };
}

async function mayView(ctx: ViewContext, signer: Signer, record: AssetRecord): Promise<boolean> {
  if (signer.kind === 'secret') return true;
  if (signer.kind === 'unsigned' || signer.users.length === 0) return false;
  for (const identity of signer.users) {
    const scope = await viewerScope(ctx, identity);
    if (scope.within !== null && !scope.within.some((folder) => isWithin(record.folder, folder))) return false;
    if (scope.status !== undefined && !scope.status.includes(record.status)) return false;
  }
  return true;
}
