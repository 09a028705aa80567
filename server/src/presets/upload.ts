/**
 * Presets applied to one upload: who may upload without a signature, the settings in force, and the checks a preset
 * adds (size, format, tags from rules). The ingest modules call these; the decisions live in resolve.ts.
 */
import { checkFolder, checkPublicId, checkTags, UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import type { UploadRequest } from '../pipeline/request.js';
import { type AssetFacts, autoTags, resolveUploadSettings, type UploadSettings, union } from './resolve.js';
import { presetLayers } from './store.js';

/**
 * Cloudinary's documented unsigned upload parameters that this server supports. Everything else (`overwrite`,
 * `use_filename`, `api_key`, …) needs a signature.
 */
export const UNSIGNED_UPLOAD_PARAMS: ReadonlySet<string> = new Set([
  'public_id',
  'folder',
  'asset_folder',
  'display_name',
  'tags',
  'context',
  'upload_preset',
  'filename_override',
  'source',
  'timestamp',
  // Only lets the uploader delete, for 10 minutes, what it just uploaded (the widget's "remove" after an upload).
  'return_delete_token',
  // Unsigned on Cloudinary too: it describes only the uploaded image (the widget's crop box), like `context`.
  'custom_coordinates',
]);

type PresetContext = Pick<ServerContext, 'catalog' | 'config' | 'credentials'>;

/**
 * The settings in force for a parsed request: an unknown preset → 400 PARAM_INVALID; no signature without an
 * unsigned preset → 401 SIGNATURE_INVALID; an unsigned request with a parameter outside the unsigned set → 400
 * PARAM_NOT_ALLOWED. The signature itself is checked by the caller.
 */
export async function settingsFor(ctx: PresetContext, request: UploadRequest): Promise<UploadSettings> {
  const layers = await presetLayers(ctx, request.uploadPreset);
  if (request.unsigned) {
    if (!layers.explicitPreset?.unsigned)
      throw new UploadError(
        'SIGNATURE_INVALID',
        `Must supply signature: upload preset "${request.uploadPreset}" is not for unsigned uploads.`,
      );
    const refused = request.sent.filter((name) => !UNSIGNED_UPLOAD_PARAMS.has(name));
    if (refused.length > 0)
      throw new UploadError(
        'PARAM_NOT_ALLOWED',
        `Unsigned uploads may not send ${refused.map((name) => `"${name}"`).join(', ')}; sign the upload for those.`,
      );
  }
  const settings = resolveUploadSettings(layers.defaultPreset, layers.explicitPreset, request.explicit, {
    unsigned: request.unsigned,
  });
  if (request.unsigned) assertNestedPaths(settings);
  return settings;
}

/**
 * An unsigned upload's folders nest under its preset's (resolve.ts): each part was valid alone, the joined path may
 * not be (too long). Checked here, before a byte of the file is stored, rather than when it is named.
 */
function assertNestedPaths(settings: UploadSettings): void {
  const verdicts = [checkFolder(settings.folder), checkFolder(settings.assetFolder ?? '')];
  if (settings.publicId !== undefined)
    verdicts.push(checkPublicId([settings.folder, settings.publicId].filter((part) => part !== '').join('/')));
  for (const verdict of verdicts) if (!verdict.ok) throw verdict.error;
}

/** The largest file the settings allow: the preset's limit, never above the server's. */
export function sizeLimit(ctx: Pick<ServerContext, 'config'>, settings: Pick<UploadSettings, 'maxFileSize'>): number {
  return Math.min(ctx.config.limits.maxFileSize, settings.maxFileSize ?? Number.POSITIVE_INFINITY);
}

/**
 * The limit known from the parameters received so far (before the file's bytes): refuses a file as soon as it goes
 * over. Lenient: a preset it cannot find leaves the decision (and the error) to the full check afterwards.
 */
export async function earlySizeLimit(ctx: PresetContext, values: Readonly<Record<string, string>>): Promise<number> {
  const named = values.upload_preset || undefined;
  const layers = await presetLayers(ctx, named).catch(() => presetLayers(ctx, undefined));
  return sizeLimit(ctx, resolveUploadSettings(layers.defaultPreset, layers.explicitPreset, {}));
}

export function assertSize(ctx: Pick<ServerContext, 'config'>, settings: UploadSettings, bytes: number): void {
  const limit = sizeLimit(ctx, settings);
  if (bytes > limit) throw new UploadError('FILE_TOO_LARGE', `The file is larger than ${limit} bytes.`);
}

export function assertAllowedFormat(settings: UploadSettings, format: string): void {
  if (settings.allowedFormats === null || settings.allowedFormats.includes(format)) return;
  throw new UploadError(
    'TYPE_NOT_ALLOWED',
    `${format ? `The format "${format}"` : 'A file of unknown format'} is not allowed here; allowed: ${settings.allowedFormats.join(', ') || 'none'}.`,
  );
}

/** The settings' tags plus those the auto-tagging rules add; over the tag limit → 400 TAG_INVALID. */
export function finalTags(settings: UploadSettings, facts: AssetFacts): string[] {
  const tags = union(settings.tags, autoTags(settings.autoTagging, facts));
  const verdict = checkTags(tags);
  if (!verdict.ok) throw verdict.error;
  return tags;
}
