/**
 * Cloudinary request signatures: sign, verify, and the response signature. Pure functions over
 * `stringToSign` from the shared protocol module, so the widget, the server and the official SDK agree.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type SignatureAlgorithm, stringToSign, type UploadParams } from 'signet-upload/protocol';

export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = ['sha1', 'sha256'];

const HEX_LENGTH: Record<SignatureAlgorithm, number> = { sha1: 40, sha256: 64 };
const HEX = /^[0-9a-fA-F]+$/;

export interface SignOptions {
  algorithm?: SignatureAlgorithm;
  /** 2 escapes `&` inside values (current SDKs); 1 is the legacy string. */
  version?: 1 | 2;
}

export function sign(params: UploadParams, secret: string, options: SignOptions = {}): string {
  return digest(stringToSign(params, options.version ?? 2) + secret, options.algorithm ?? 'sha1').toString('hex');
}

/**
 * True when `signature` signs `params` with `secret`. The algorithm is the one named by the request or, as the SDKs
 * never send `signature_algorithm`, the one whose digest length the signature has. Only the version 2 string is
 * checked: it equals the legacy version 1 string whenever no value holds `&`, so old SDKs keep working, and
 * accepting v1 for values with `&` would let a client merge two signed pairs into one (parameter smuggling).
 * A malformed signature is simply false; the comparison is constant-time.
 */
export function verify(
  params: UploadParams,
  signature: string,
  secret: string,
  algorithm?: SignatureAlgorithm,
): boolean {
  const algo = algorithm ?? (signature.length === HEX_LENGTH.sha256 ? 'sha256' : 'sha1');
  if (signature.length !== HEX_LENGTH[algo] || !HEX.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signature, 'hex'), digest(stringToSign(params, 2) + secret, algo));
}

/** The `signature` field of an upload response, as the SDK's `verify_api_response_signature` checks it. */
export function responseSignature(publicId: string, version: number, secret: string): string {
  return digest(`public_id=${publicId}&version=${version}${secret}`, 'sha1').toString('hex');
}

export type TimestampVerdict = 'ok' | 'expired' | 'future';

/** Whether a signed timestamp (unix seconds) is inside the window around `nowSeconds`. */
export function checkTimestamp(
  timestamp: number,
  nowSeconds: number,
  window: { windowSeconds: number; futureSkewSeconds: number },
): TimestampVerdict {
  if (nowSeconds - timestamp > window.windowSeconds) return 'expired';
  if (timestamp - nowSeconds > window.futureSkewSeconds) return 'future';
  return 'ok';
}

export function isSignatureAlgorithm(value: string): value is SignatureAlgorithm {
  return (SIGNATURE_ALGORITHMS as readonly string[]).includes(value);
}

function digest(text: string, algorithm: SignatureAlgorithm): Buffer {
  return createHash(algorithm).update(text, 'utf8').digest();
}
