/**
 * Permissions wired to requests, the catalogue and signatures. The decisions are permissions.ts's; this module only
 * finds out who is asking and which rules hold for them now.
 *
 * Binding an upload to the user who asked for its signature, without the widget or the wire format knowing:
 *   1. `POST /api/sign` checks the folders, signs, and records (signature → the caller's identity, until the
 *      signature's window is over plus a margin) in the catalogue before it answers.
 *   2. The upload endpoint, once the signature is verified and fresh, looks the signature up and checks every
 *      folder again against each recorded user's role and grants as they are NOW, so a grant revoked between
 *      signing and upload refuses (403 FORBIDDEN_FOLDER). Chunked uploads keep the signers in their session, so
 *      later chunks are held to them however long the upload takes.
 *   3. A valid signature this server did not issue was made by someone holding the API secret (the official SDK
 *      on a trusted backend, as with Cloudinary): it is not held to any user's folders.
 * Unsigned uploads are bound to nobody either: an unsigned preset is an admin's decision to accept them.
 */
import { UploadError } from 'signet-upload/protocol';
import type { AssetStatus } from '../catalog/catalog.js';
import type { ServerContext } from '../context.js';
import { resolveUploadSettings, type UploadSettings } from '../presets/resolve.js';
import { presetLayers } from '../presets/store.js';
import { assetCallFolders } from '../sign-request.js';
import {
  assertMayContribute,
  effectiveUser,
  type Identity,
  type UploadTarget,
  type User,
  uploadFolders,
  viewScopes,
} from './permissions.js';

/** Issued-signature records outlive the signature's window by this much, so none can vanish mid-check. */
const ISSUED_MARGIN_SECONDS = 300;

type AccessContext = Pick<ServerContext, 'catalog' | 'config' | 'credentials' | 'demoToken'>;

export async function userOf(ctx: Pick<ServerContext, 'catalog'>, identity: Identity): Promise<User> {
  return effectiveUser(identity, await ctx.catalog.users.get(identity.id));
}

/** What a listing may show its caller. */
export interface ViewerScope {
  user: User | null;
  /** Folders whose subtrees may be listed; null = all. */
  within: string[] | null;
  /** Statuses that may be listed; undefined = all. */
  status: AssetStatus[] | undefined;
}

/**
 * Who is listing, and what they may see: admins everything (rejected assets too, to moderate), contributors the
 * delivered assets of the folders they may view, callers without a user the delivered assets when public listing
 * is on, else 401 UNAUTHENTICATED.
 */
export async function viewerScope(ctx: AccessContext, identity: Identity | null): Promise<ViewerScope> {
  const delivered: AssetStatus[] = ctx.config.assets.deliverPending
    ? ['active', 'approved', 'pending']
    : ['active', 'approved'];
  const user = identity && (await userOf(ctx, identity));
  if (user) {
    const within = viewScopes(user);
    return { user, within, status: within === null ? undefined : delivered };
  }
  if (publicListing(ctx)) return { user: null, within: null, status: delivered };
  throw new UploadError('UNAUTHENTICATED', 'Sign in to see the library.');
}

export function publicListing(ctx: Pick<ServerContext, 'config' | 'demoToken'>): boolean {
  return ctx.config.assets.publicListing ?? ctx.demoToken !== null;
}

/**
 * The signing endpoint's check: every folder the signed parameters would write into (`folder`, the public ID's
 * folder part, `asset_folder`, else the folder of the named or default preset) must be one the caller may
 * contribute to. Parameters are those `toSignableParams` accepted.
 */
export async function assertMaySign(
  ctx: AccessContext,
  identity: Identity,
  params: Readonly<Record<string, string | number | boolean>>,
): Promise<void> {
  // A call on stored assets (rename, tags, context): the folders of the public IDs it names.
  const called = assetCallFolders(params);
  if (called) return assertMayContribute(await userOf(ctx, identity), called);
  // Blank values are absent, as the upload endpoint reads them.
  const text = (key: string): string | undefined =>
    params[key] === undefined || params[key] === '' ? undefined : String(params[key]);
  const layers = await presetLayers(ctx, text('upload_preset'));
  const settings = resolveUploadSettings(layers.defaultPreset, layers.explicitPreset, { folder: text('folder') });
  const target: UploadTarget = {
    folder: settings.folder,
    publicId: text('public_id'),
    assetFolder: text('asset_folder'),
  };
  assertMayContribute(await userOf(ctx, identity), uploadFolders(target));
}

/** Records that `signature` was given to `identity`; the upload endpoint finds it with `signersOf`. */
export async function recordIssued(
  ctx: Pick<ServerContext, 'catalog' | 'config'>,
  signature: string,
  identity: Identity,
  timestamp: number,
): Promise<void> {
  const expiresAt = timestamp + ctx.config.signing.windowSeconds + ISSUED_MARGIN_SECONDS;
  await ctx.catalog.signatures.issue(signature, { id: identity.id, role: identity.role }, expiresAt);
}

/** Whom this server's signing endpoint gave the signature; [] = not issued here (a holder of the API secret). */
export async function signersOf(ctx: Pick<ServerContext, 'catalog'>, signature: string): Promise<Identity[]> {
  return signature === '' ? [] : (await ctx.catalog.signatures.issued(signature)).signers;
}

/** Signers without duplicates (a chunked upload's session plus a re-signed chunk). */
export function mergeSigners(...lists: readonly (readonly Identity[])[]): Identity[] {
  const byId = new Map<string, Identity>();
  for (const signer of lists.flat()) byId.set(signer.id, signer);
  return [...byId.values()];
}

/**
 * The upload endpoint's check, with grants as they are now: every signer may still contribute to every folder the
 * upload writes into, else 403 FORBIDDEN_FOLDER (400 FOLDER_INVALID for a folder that is no valid path).
 */
export async function assertSignersMayUpload(
  ctx: Pick<ServerContext, 'catalog'>,
  signers: readonly Identity[],
  settings: Pick<UploadSettings, 'folder' | 'publicId' | 'assetFolder'>,
): Promise<void> {
  if (signers.length === 0) return;
  const folders = uploadFolders(settings);
  for (const signer of signers) assertMayContribute(await userOf(ctx, signer), folders);
}
