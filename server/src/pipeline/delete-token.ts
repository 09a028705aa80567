/**
 * Delete tokens (`return_delete_token`): whoever uploaded an asset may delete it, without a signature, for 10 minutes
 * after the upload (Cloudinary's window) with `POST /v1_1/:cloud/delete_by_token` — what a widget needs to offer
 * "remove" on a file it just uploaded. A token is the asset's key, its version ID and the expiry, under an HMAC keyed
 * by the API secret: nothing is stored, a forged or altered token never verifies, and a token dies with its version
 * (after an overwrite, the first upload's token no longer deletes anything).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { UploadError } from 'signet-upload/protocol';
import type { AssetKey, AssetRecord } from '../catalog/catalog.js';

/** Cloudinary's: "The token is valid for 10 minutes". */
export const DELETE_TOKEN_SECONDS = 600;

/** What a valid token names: one version of one asset. */
export interface DeleteTarget extends AssetKey {
  versionId: string;
}

export function makeDeleteToken(secret: string, record: AssetRecord, nowSeconds: number): string {
  const fields = [
    record.cloud,
    record.resourceType,
    record.publicId,
    record.versionId,
    nowSeconds + DELETE_TOKEN_SECONDS,
  ];
  const payload = Buffer.from(JSON.stringify(fields)).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/**
 * The asset version a token names. A token this server did not make (or altered) → 401 SIGNATURE_INVALID; one past
 * its 10 minutes → 401 SIGNATURE_EXPIRED. Both statuses are ones the SDKs read.
 */
export function readDeleteToken(secret: string, token: unknown, nowSeconds: number): DeleteTarget {
  const invalid = new UploadError('SIGNATURE_INVALID', 'Invalid delete token.');
  if (typeof token !== 'string' || token.length > 2048) throw invalid;
  const [payload = '', tag = '', ...rest] = token.split('.');
  const given = Buffer.from(tag, 'base64url');
  const expected = mac(secret, payload);
  if (rest.length > 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
  const fields: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  if (!Array.isArray(fields) || fields.length !== 5) throw invalid;
  const [cloud, resourceType, publicId, versionId, expiresAt] = fields as [string, string, string, string, number];
  if (nowSeconds > expiresAt)
    throw new UploadError(
      'SIGNATURE_EXPIRED',
      `The delete token expired: it deletes an upload for ${DELETE_TOKEN_SECONDS / 60} minutes after it.`,
    );
  return { cloud, resourceType: resourceType as AssetKey['resourceType'], publicId, versionId };
}

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`signet delete token\n${payload}`).digest();
}
