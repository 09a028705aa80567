/**
 * Deciding whether an upload is authorised: the API key, the signature over exactly the parameters received, the
 * timestamp window, and (last, because it spends the signature) replay protection.
 */
import { stringToSign, UploadError } from 'signet-upload/protocol';
import type { SignatureLedger } from '../catalog/catalog.js';
import type { ServerConfig } from '../config.js';
import { nowSeconds, type ServerContext } from '../context.js';
import { checkTimestamp, verify } from '../signing.js';
import type { UploadRequest } from './params.js';

export interface Verifier {
  apiKey: string;
  apiSecret: string;
  signing: ServerConfig['signing'];
  nowSeconds: number;
}

/** Throws 401 SIGNATURE_INVALID for a wrong key or signature. */
export function assertSigned(request: UploadRequest, verifier: Verifier): void {
  if (request.apiKey !== verifier.apiKey)
    throw new UploadError('SIGNATURE_INVALID', `Unknown API key ${request.apiKey.slice(0, 32)}.`);
  if (!verify(request.signed, request.signature, verifier.apiSecret, request.algorithm)) {
    // Cloudinary names the string it expected signed; it holds only what the client sent, never the secret.
    throw new UploadError(
      'SIGNATURE_INVALID',
      `Invalid Signature ${request.signature.slice(0, 64)}. String to sign - '${stringToSign(request.signed)}'.`,
    );
  }
}

/** Throws 401 SIGNATURE_EXPIRED for a timestamp outside the window. */
export function assertFresh(request: UploadRequest, verifier: Verifier): void {
  const verdict = checkTimestamp(request.timestamp, verifier.nowSeconds, verifier.signing);
  if (verdict === 'expired')
    throw new UploadError(
      'SIGNATURE_EXPIRED',
      `Stale request - reported time is ${new Date(request.timestamp * 1000).toISOString()} which is more than ${verifier.signing.windowSeconds} seconds ago.`,
    );
  if (verdict === 'future')
    throw new UploadError(
      'SIGNATURE_EXPIRED',
      `The reported time ${new Date(request.timestamp * 1000).toISOString()} is in the future; check the signing server's clock.`,
    );
}

/** Spends the signature; a second use inside its window throws 409 SIGNATURE_REPLAYED. */
export async function spendSignature(
  request: UploadRequest,
  verifier: Verifier,
  ledger: SignatureLedger,
): Promise<void> {
  if (!verifier.signing.replayProtection) return;
  const expiresAt = request.timestamp + verifier.signing.windowSeconds;
  // Once per signature, for now: the upload pipeline decides how many uses an issued signature gets.
  if (!(await ledger.spend(request.signature, 1, expiresAt)))
    throw new UploadError('SIGNATURE_REPLAYED', 'This signature was already used; ask for a new one.');
}

export function verifierFor(ctx: ServerContext): Verifier {
  return {
    apiKey: ctx.credentials.api_key,
    apiSecret: ctx.credentials.api_secret,
    signing: ctx.config.signing,
    nowSeconds: nowSeconds(ctx),
  };
}
