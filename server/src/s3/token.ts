/**
 * The upload token of a direct-to-S3 upload: everything the server decided at `POST /api/s3/start` (the key it
 * chose, the declared size, the verified upload parameters, the part size, the deadline), signed with a key derived
 * from the account's API secret. Later requests carry it back, so any instance sharing the secret can check them
 * without shared session state. Pure.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ResourceType } from 'signet-upload/protocol';
import { UploadError } from 'signet-upload/protocol';
import type { Signer } from '../pipeline/authorize.js';

export interface DirectUpload {
  /** The store key the server chose; the object is `prefix + key`. */
  key: string;
  /** `AuthUser.id` of the page that started it: nobody else may continue it. */
  user: string;
  /** Declared bytes: presigned requests are signed for exactly these. */
  size: number;
  /** The file's name (display only) and declared MIME type (informational). */
  name: string;
  type: string;
  resourceType: ResourceType | 'auto';
  /** The upload parameters as received, signature included: re-read (not re-verified) at completion. */
  params: Record<string, string>;
  partSize: number;
  /** Unix seconds. */
  expiresAt: number;
  /** Who vouched for the parameters at the start (pipeline/authorize.ts), held to their grants at completion. */
  signer: Signer;
}

// 2: `signer` replaced `signers`; a token of version 1 is refused (start the upload again).
const VERSION = 2;

function tokenKey(apiSecret: string): Buffer {
  // Its own key, so a token can never pass for any other signature made with the API secret.
  return createHmac('sha256', apiSecret).update('signet/s3-upload-token/v1').digest();
}

export function makeUploadToken(apiSecret: string, upload: DirectUpload): string {
  const payload = Buffer.from(JSON.stringify({ v: VERSION, ...upload })).toString('base64url');
  const mac = createHmac('sha256', tokenKey(apiSecret)).update(payload).digest('base64url');
  return `${payload}.${mac}`;
}

/** The upload a token stands for; 401 SIGNATURE_INVALID for anything this server did not sign. */
export function readUploadToken(apiSecret: string, token: unknown): DirectUpload {
  const invalid = new UploadError('SIGNATURE_INVALID', 'The upload token is not valid; start the upload again.');
  if (typeof token !== 'string' || token.length > 64 * 1024) throw invalid;
  const [payload, mac, extra] = token.split('.');
  if (!payload || !mac || extra !== undefined) throw invalid;
  const expected = createHmac('sha256', tokenKey(apiSecret)).update(payload).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
  const { v, ...upload } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as DirectUpload & {
    v: number;
  };
  if (v !== VERSION) throw invalid;
  return upload;
}
