/**
 * `authorizeUpload`: the one decision whether an upload may go on, used by every path that brings bytes (a single
 * request, every chunk, the S3 start and completion, remote imports through Companion). It runs on the parameters
 * alone — before a single byte of the file is stored — in this order:
 *
 *   1. signature   the API key and the signature over exactly the parameters received (401 SIGNATURE_INVALID)
 *   2. window      the timestamp inside the signing window (401 SIGNATURE_EXPIRED); skipped for a chunk that carries
 *                  its session's own signature, so an upload longer than the window still finishes
 *   3. presets     the default and named presets, and for unsigned uploads the unsigned preset and its parameters
 *   4. grants      every folder the upload writes into, against the current grants of each user the signing
 *                  endpoint gave this signature (403 FORBIDDEN_FOLDER; auth/access.ts)
 *   5. size        a size the request declares, against the limit its presets allow (413 FILE_TOO_LARGE)
 *   6. replay      last, because spending a use cannot be undone (see `replayAllowance`)
 *
 * `authorizeAssetCall`, beside it, holds the Upload API's other calls (destroy, rename, tags, context, explicit) to the
 * same signature, window, grants and replay steps, with the folders of the assets they touch.
 *
 * Replay protection: a signature that `/api/sign` issued N times may be used N times within its window (two tabs
 * asking for the same parameters in the same second both succeed); the chunks of one chunked upload are one use.
 * A signature the signing endpoint did not issue was made by a holder of the API secret (the official SDKs on a
 * trusted backend): like Cloudinary, it may be used again within its window, unless `signing.replayProtection` is
 * `"strict"` (then once). `replayProtection: false` turns counting off altogether.
 */
import { stringToSign, UploadError, type UploadParams } from 'signet-upload/protocol';
import { assertSignersMayUpload, userOf } from '../auth/access.js';
import { assertMayContribute, type Identity } from '../auth/permissions.js';
import type { ServerConfig } from '../config.js';
import { nowSeconds, type ServerContext } from '../context.js';
import { assertWithinLimit } from '../http/rate-limit.js';
import type { UploadSettings } from '../presets/resolve.js';
import { settingsFor, sizeLimit } from '../presets/upload.js';
import { checkTimestamp, verify } from '../signing.js';
import type { UploadRequest } from './request.js';

type AuthorizeContext = Pick<ServerContext, 'catalog' | 'config' | 'credentials' | 'limits' | 'now'>;

/** Who vouches for an upload: users the signing endpoint signed for, the API secret's holder, or nobody. */
export type Signer =
  | { kind: 'issued'; users: Identity[] /** How many times the signing endpoint issued it. */; issued: number }
  | { kind: 'secret' }
  | { kind: 'unsigned' };

export interface UploadAuthorization {
  settings: UploadSettings;
  signer: Signer;
  /** The largest file these settings allow, in bytes. */
  limit: number;
}

export interface AuthorizeOptions {
  /**
   * The use this request continues (a later chunk carrying its session's signature; a direct-to-S3 completion), with
   * the signer recorded when it began: its window and its use were settled then, so neither is checked again, and
   * the signer is the recorded one (the issuance record may expire before a long upload ends). Presets and grants
   * are checked as they are now.
   */
  continues?: Signer;
  /**
   * What the request says the file's size is (a declared total, or what its Content-Length leaves for the file):
   * over the limit is refused here, before anything is spent or stored.
   */
  declaredSize?: number | null;
  /**
   * `check` asks only whether a use remains, spending none: for a remote import, authorised before anything is
   * fetched, whose bytes then come to the upload endpoint with the same signature (which spends it there).
   */
  use?: 'spend' | 'check';
  /** The client's address: uploads without a signature are rate-limited by it (`rateLimits.unsignedUploads`). */
  address?: string;
}

export async function authorizeUpload(
  ctx: AuthorizeContext,
  request: UploadRequest,
  options: AuthorizeOptions = {},
): Promise<UploadAuthorization> {
  if (!request.unsigned) {
    assertSignature(ctx, request);
    if (!options.continues) assertFresh(ctx, request);
  }
  const settings = await settingsFor(ctx, request);
  const signer = options.continues ?? (await signerOf(ctx, request));
  const unsignedLimit = ctx.limits.unsignedPerAddress;
  if (signer.kind === 'unsigned' && !options.continues && unsignedLimit && options.address !== undefined)
    assertWithinLimit(unsignedLimit.take(options.address), 'uploads without a signature');
  if (signer.kind === 'issued') await assertSignersMayUpload(ctx, signer.users, settings);
  const limit = sizeLimit(ctx, settings);
  if (options.declaredSize != null && options.declaredSize > limit) throw fileTooLarge(limit);
  if (!options.continues) await spend(ctx, request, signer, options.use ?? 'spend');
  return { settings, signer, limit };
}

/** What the signature steps read of a request: its credentials and exactly the parameters it signs. */
type SignedParts = Pick<UploadRequest, 'apiKey' | 'signature' | 'algorithm' | 'timestamp'> & {
  unsigned?: boolean;
  signed: UploadParams;
};

/**
 * The Upload API's calls on stored assets (destroy, rename, tags, context, explicit): the same signature, window and
 * replay steps as an upload, in the same order, with grants over `folders` — every folder of every asset the call
 * touches, where it is and where it goes (403 FORBIDDEN_FOLDER for users the signing endpoint signed for). Nothing is
 * uploaded, so no presets or sizes. These calls always need a signature.
 */
export async function authorizeAssetCall(
  ctx: AuthorizeContext,
  call: SignedParts,
  folders: readonly string[],
): Promise<Signer> {
  assertSignature(ctx, call);
  assertFresh(ctx, call);
  const signer = await signerOf(ctx, call);
  if (signer.kind === 'issued')
    for (const identity of signer.users) assertMayContribute(await userOf(ctx, identity), folders);
  await spend(ctx, call, signer, 'spend');
  return signer;
}

function assertSignature(ctx: AuthorizeContext, request: SignedParts): void {
  if (request.apiKey !== ctx.credentials.api_key)
    throw new UploadError('SIGNATURE_INVALID', `Unknown API key ${request.apiKey.slice(0, 32)}.`);
  if (!verify(request.signed, request.signature, ctx.credentials.api_secret, request.algorithm)) {
    // Cloudinary names the string it expected signed; it holds only what the client sent, never the secret.
    throw new UploadError(
      'SIGNATURE_INVALID',
      `Invalid Signature ${request.signature.slice(0, 64)}. String to sign - '${stringToSign(request.signed)}'.`,
    );
  }
}

function assertFresh(ctx: AuthorizeContext, request: SignedParts): void {
  const signing = ctx.config.signing;
  const verdict = checkTimestamp(request.timestamp, nowSeconds(ctx), signing);
  const at = new Date(request.timestamp * 1000).toISOString();
  if (verdict === 'expired')
    throw new UploadError(
      'SIGNATURE_EXPIRED',
      `Stale request - reported time is ${at} which is more than ${signing.windowSeconds} seconds ago.`,
    );
  if (verdict === 'future')
    throw new UploadError(
      'SIGNATURE_EXPIRED',
      `The reported time ${at} is in the future; check the signing server's clock.`,
    );
}

async function signerOf(ctx: AuthorizeContext, request: SignedParts): Promise<Signer> {
  if (request.unsigned) return { kind: 'unsigned' };
  const issued = await ctx.catalog.signatures.issued(request.signature);
  return issued.count > 0 ? { kind: 'issued', users: issued.signers, issued: issued.count } : { kind: 'secret' };
}

async function spend(
  ctx: AuthorizeContext,
  request: SignedParts,
  signer: Signer,
  use: 'spend' | 'check',
): Promise<void> {
  const allowed = replayAllowance(ctx.config.signing, signer);
  if (allowed === null) return;
  const { signatures } = ctx.catalog;
  const expiresAt = request.timestamp + ctx.config.signing.windowSeconds;
  const ok =
    use === 'check'
      ? (await signatures.used(request.signature)) < allowed
      : await signatures.spend(request.signature, allowed, expiresAt);
  if (!ok) throw new UploadError('SIGNATURE_REPLAYED', 'This signature was already used; ask for a new one.');
}

/** How many uses a signature has in all; null = not counted. */
function replayAllowance(signing: ServerConfig['signing'], signer: Signer): number | null {
  if (signer.kind === 'unsigned' || signing.replayProtection === false) return null;
  if (signer.kind === 'issued') return signer.issued;
  return signing.replayProtection === 'strict' ? 1 : null;
}

export function fileTooLarge(limit: number): UploadError {
  return new UploadError('FILE_TOO_LARGE', `The file is larger than ${limit} bytes.`);
}
