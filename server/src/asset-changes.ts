/**
 * Changes to stored assets, written once for every way in: the Upload API's destroy, rename, tags, context and
 * explicit (routes/upload-api.ts), delete tokens, the Admin API (routes/admin-api.ts) and the media library's page API
 * (routes/assets.ts). Who may make a change is each route's decision; what the change does is decided here. The
 * commands are pure; `deleteAsset` and `renameAsset` also remove bytes that no record holds any more.
 */
import { checkContext, checkTags, parseTags, UploadError } from 'signet-upload/protocol';
import { folderOf } from './auth/permissions.js';
import type { AssetChange, AssetKey, AssetRecord, RenameTarget } from './catalog/catalog.js';
import type { ServerContext } from './context.js';
import { assertCoordinatesFit, parseCustomCoordinates } from './coordinates.js';
import { contextOf } from './pipeline/request.js';

type ChangeContext = Pick<ServerContext, 'catalog' | 'store' | 'log'>;

/**
 * What `explicit` and the Admin API's update set alike, read from their parameters (each checked before anything
 * changes): tags and context replaced, custom coordinates fitted to the asset as stored when the change is made (an
 * overwrite since it was looked up may have changed its size).
 */
export function describedChange(text: (name: string) => string | undefined): (stored: AssetRecord) => AssetChange {
  const tagsText = text('tags');
  const tags = tagsText === undefined ? undefined : applyTagCommand([], 'replace', parseTags(tagsText));
  const contextText = text('context');
  const context = contextText === undefined ? undefined : contextOf(contextText);
  const coordinatesText = text('custom_coordinates');
  const customCoordinates = coordinatesText === undefined ? undefined : parseCustomCoordinates(coordinatesText);
  return (stored) => {
    if (customCoordinates) assertCoordinatesFit(customCoordinates, stored);
    return {
      ...(tags ? { tags } : {}),
      ...(context ? { context } : {}),
      ...(customCoordinates ? { customCoordinates } : {}),
    };
  };
}

/** The record goes first, then the bytes: a failure leaves an orphan object, never a record without bytes. */
export async function deleteAsset(ctx: ChangeContext, key: AssetKey): Promise<AssetRecord | null> {
  const record = await ctx.catalog.assets.delete(key);
  if (record) await dropBytes(ctx, record);
  return record;
}

/**
 * Moves an asset to `toPublicId` (fixed folders: its folder follows the public ID, and so does its asset folder when
 * it was the same). With `overwrite`, an asset holding that ID is replaced and its bytes deleted.
 */
export async function renameAsset(
  ctx: ChangeContext,
  from: AssetRecord,
  toPublicId: string,
  overwrite: boolean,
): Promise<ReturnType<ServerContext['catalog']['assets']['rename']>> {
  const result = await ctx.catalog.assets.rename(from, renameTarget(from, toPublicId), { overwrite });
  if (result.status === 'renamed' && result.replaced) await dropBytes(ctx, result.replaced);
  return result;
}

export function renameTarget(record: AssetRecord, toPublicId: string): RenameTarget {
  const folder = folderOf(toPublicId);
  return {
    publicId: toPublicId,
    folder,
    assetFolder: record.assetFolder === record.folder ? folder : record.assetFolder,
  };
}

/** Every folder an asset is in: where its public ID puts it, and its asset folder. What grants are checked against. */
export function foldersOf(publicId: string, record: Pick<AssetRecord, 'assetFolder'> | null): string[] {
  const folders = [folderOf(publicId)];
  if (record && record.assetFolder !== '' && record.assetFolder !== folders[0]) folders.push(record.assetFolder);
  return folders;
}

/** Cloudinary's `tags` commands (`POST /v1_1/:cloud/:resource_type/tags`). */
export const TAG_COMMANDS = ['add', 'remove', 'replace', 'remove_all'] as const;
export type TagCommand = (typeof TAG_COMMANDS)[number];

/** One asset's tags after a command; over the tag limit → 400 TAG_INVALID. */
export function applyTagCommand(tags: readonly string[], command: TagCommand, given: readonly string[]): string[] {
  const next =
    command === 'add'
      ? [...new Set([...tags, ...given])]
      : command === 'remove'
        ? tags.filter((tag) => !given.includes(tag))
        : command === 'replace'
          ? [...new Set(given)]
          : [];
  const verdict = checkTags(next);
  if (!verdict.ok) throw verdict.error;
  return next;
}

/** Cloudinary's `context` commands (`POST /v1_1/:cloud/:resource_type/context`). */
export const CONTEXT_COMMANDS = ['add', 'remove_all'] as const;
export type ContextCommand = (typeof CONTEXT_COMMANDS)[number];

/** One asset's context after a command: `add` sets the given keys (others stay); over the limits → 400. */
export function applyContextCommand(
  context: Readonly<Record<string, string>>,
  command: ContextCommand,
  given: Readonly<Record<string, string>>,
): Record<string, string> {
  const next = command === 'add' ? { ...context, ...given } : {};
  const verdict = checkContext(next);
  if (!verdict.ok) throw verdict.error;
  return next;
}

export function isTagCommand(value: string): value is TagCommand {
  return (TAG_COMMANDS as readonly string[]).includes(value);
}

export function isContextCommand(value: string): value is ContextCommand {
  return (CONTEXT_COMMANDS as readonly string[]).includes(value);
}

export function notFound(publicId: string): UploadError {
  // Cloudinary's words.
  return new UploadError('NOT_FOUND', `Resource not found - ${publicId.slice(0, 255)}`);
}

async function dropBytes(ctx: ChangeContext, record: AssetRecord): Promise<void> {
  await ctx.store.delete(record.storageKey).catch((error: unknown) => {
    ctx.log(`signet-server: could not delete the object ${record.storageKey} of a removed asset: ${String(error)}`);
  });
}
