/**
 * Precedence of upload settings, in one pure function. Three layers, each over the one before:
 *
 *   1. the default preset (`defaultPreset` in the config): applies to every upload, signed or unsigned;
 *   2. the preset the upload names (`upload_preset`);
 *   3. the parameters the upload itself sends (signed, or the unsigned ones an unsigned preset accepts).
 *
 * A value a higher layer gives replaces the lower one's (`folder`, `use_filename`, `unique_filename`, `overwrite`,
 * `allowed_formats`, `max_file_size`); `folder: ""` is a value too. Three settings accumulate instead:
 *   - `tags` are merged (union, in layer order, without duplicates): a person's tags never drop the tags an admin
 *     put in a preset. Cloudinary is vaguer here; a preset tag that should go away belongs in another preset.
 *   - `context` is merged key by key, the higher layer winning a key.
 *   - `auto_tagging` rules of both presets all apply; `moderation: "manual"` in either preset or the request holds
 *     (nothing can lift a preset's moderation).
 *   - `allowed_formats` of the request narrows the presets' (only formats both allow): a signer may restrict an
 *     upload further, never open what an admin closed. (Cloudinary lets the request replace it.)
 * `use_asset_folder_as_public_id_prefix` (signed only) makes the asset folder the public ID's folder, whatever the
 * presets' `folder`; pipeline/request.ts refuses it together with a different `folder`.
 * An unsigned upload never overwrites, whatever a preset says, and stays inside its presets' scope: the folder the
 * presets give is a prefix its own `folder` and `asset_folder` nest under (`inbox` + `team/bob` → `inbox/team/bob`; a
 * public ID's folders nest under the result, as for any upload), and the presets' context keys win over its own. An
 * admin made the preset to let strangers in somewhere; nothing a stranger sends may move that somewhere.
 */
import type { Box } from '../coordinates.js';
import type { AutoTagRule, UploadPreset } from './definition.js';
import { compileNamePattern } from './definition.js';

/** What the upload request itself set; absent = not sent. */
export interface ExplicitParams {
  publicId?: string | undefined;
  folder?: string | undefined;
  assetFolder?: string | undefined;
  displayName?: string | undefined;
  filenameOverride?: string | undefined;
  tags?: readonly string[] | undefined;
  context?: Readonly<Record<string, string>> | undefined;
  useFilename?: boolean | undefined;
  uniqueFilename?: boolean | undefined;
  overwrite?: boolean | undefined;
  moderation?: 'manual' | undefined;
  allowedFormats?: readonly string[] | undefined;
  useAssetFolderAsPublicIdPrefix?: boolean | undefined;
  returnDeleteToken?: boolean | undefined;
  customCoordinates?: readonly Box[] | undefined;
}

export interface UploadSettings {
  publicId: string | undefined;
  folder: string;
  assetFolder: string | undefined;
  displayName: string | undefined;
  filenameOverride: string | undefined;
  tags: string[];
  context: Record<string, string>;
  useFilename: boolean;
  uniqueFilename: boolean;
  overwrite: boolean;
  /** null = any format. */
  allowedFormats: string[] | null;
  /** null = only the server's own limit. */
  maxFileSize: number | null;
  /** A preset's `allow_active_content`; null = the server's `content.activeContent` decides. */
  allowActiveContent: boolean | null;
  moderation: 'manual' | null;
  /** Answer with a `delete_token` (valid 10 minutes). */
  returnDeleteToken: boolean;
  /** A preset's `strip_metadata`: personal metadata leaves JPEG, PNG and WebP files before they are stored. */
  stripMetadata: boolean;
  autoTagging: AutoTagRule[];
  /** The request's own (no preset sets them: they describe one image); null = none. */
  customCoordinates: Box[] | null;
  /** Whether the request itself sent tags / context: on overwrite with `retainOnOverwrite`, the old ones stay otherwise. */
  sent: { tags: boolean; context: boolean };
}

export function resolveUploadSettings(
  defaultPreset: UploadPreset | null,
  explicitPreset: UploadPreset | null,
  params: ExplicitParams,
  options: { unsigned?: boolean } = {},
): UploadSettings {
  const presets = [defaultPreset, explicitPreset].filter((preset): preset is UploadPreset => preset !== null);
  // The last layer that gives a value wins.
  const pick = <K extends keyof UploadPreset>(key: K): UploadPreset[K] | undefined =>
    presets.reduce<UploadPreset[K] | undefined>((value, preset) => preset[key] ?? value, undefined);
  const presetFolder = pick('folder') ?? '';
  const presetContext = presets.map((preset) => preset.context ?? {});
  const unsigned = options.unsigned === true;
  const assetFolder =
    unsigned && params.assetFolder !== undefined ? nest(presetFolder, params.assetFolder) : params.assetFolder;
  const folder = unsigned ? nest(presetFolder, params.folder) : (params.folder ?? presetFolder);
  const presetFormats = pick('allowed_formats') ?? null;

  return {
    publicId: params.publicId,
    folder: !unsigned && params.useAssetFolderAsPublicIdPrefix && assetFolder !== undefined ? assetFolder : folder,
    assetFolder,
    displayName: params.displayName,
    filenameOverride: params.filenameOverride,
    tags: union(...presets.map((preset) => preset.tags ?? []), params.tags ?? []),
    context: unsigned
      ? Object.assign({}, params.context ?? {}, ...presetContext)
      : Object.assign({}, ...presetContext, params.context ?? {}),
    useFilename: params.useFilename ?? pick('use_filename') ?? false,
    // Cloudinary's default: with use_filename, a random suffix keeps names apart.
    uniqueFilename: params.uniqueFilename ?? pick('unique_filename') ?? true,
    overwrite: unsigned ? false : (params.overwrite ?? pick('overwrite') ?? false),
    allowedFormats:
      params.allowedFormats === undefined
        ? presetFormats
        : params.allowedFormats.filter((format) => presetFormats === null || presetFormats.includes(format)),
    maxFileSize: pick('max_file_size') ?? null,
    allowActiveContent: pick('allow_active_content') ?? null,
    moderation:
      params.moderation === 'manual' || presets.some((preset) => preset.moderation === 'manual') ? 'manual' : null,
    returnDeleteToken: params.returnDeleteToken ?? pick('return_delete_token') ?? false,
    stripMetadata: pick('strip_metadata') ?? false,
    autoTagging: presets.flatMap((preset) => preset.auto_tagging ?? []),
    customCoordinates: params.customCoordinates ? [...params.customCoordinates] : null,
    sent: { tags: params.tags !== undefined, context: params.context !== undefined },
  };
}

/** `inner` below `outer` ('' = the top level, which nests nothing). */
function nest(outer: string, inner: string | undefined): string {
  return [outer, inner ?? ''].filter((part) => part !== '').join('/');
}

/** What auto-tagging rules look at. */
export interface AssetFacts {
  resourceType: string;
  /** Lower case, from the bytes (see validate/type.ts). */
  format: string;
  /** The sanitized original file name (`original_filename`). */
  name: string;
}

/** The tags the rules add for an asset, in rule order, without duplicates. */
export function autoTags(rules: readonly AutoTagRule[], facts: AssetFacts): string[] {
  const added: string[] = [];
  for (const rule of rules) {
    const { type, extension, name } = rule.when;
    if (type !== undefined && type !== facts.resourceType) continue;
    if (extension !== undefined && extension !== facts.format.toLowerCase()) continue;
    if (name !== undefined && !namePattern(name).test(facts.name)) continue;
    added.push(...rule.add);
  }
  return union(added);
}

const compiled = new Map<string, RegExp>();

function namePattern(source: string): RegExp {
  let pattern = compiled.get(source);
  if (!pattern) {
    // Checked when the preset was stored; compiled once per process.
    pattern = compileNamePattern(source);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(source, pattern);
  }
  return pattern;
}

export function union(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}
