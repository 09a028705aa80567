/**
 * Presets in the catalogue: seeding the config file's presets on start, and finding the layers of one upload.
 */
import { UploadError } from 'signet-upload/protocol';
import type { PresetCatalog } from '../catalog/catalog.js';
import type { ServerConfig } from '../config.js';
import type { ServerContext } from '../context.js';
import { parsePreset, type UploadPreset } from './definition.js';

/**
 * Writes every preset of the config file into the catalogue (the file wins over admin API changes to the same name,
 * at each start), then checks that `defaultPreset` names a preset.
 */
export async function seedPresets(
  presets: PresetCatalog,
  cloud: string,
  config: Pick<ServerConfig, 'presets' | 'defaultPreset'>,
): Promise<void> {
  for (const [name, definition] of Object.entries(config.presets))
    await presets.put(cloud, parsePreset(definition, name));
  if (config.defaultPreset !== null && !(await presets.get(cloud, config.defaultPreset)))
    throw new Error(`Config defaultPreset "${config.defaultPreset}" names no preset (define it under "presets").`);
}

export interface PresetLayers {
  defaultPreset: UploadPreset | null;
  explicitPreset: UploadPreset | null;
}

/** The default preset and the one an upload names; an unknown name → 400 PARAM_INVALID. */
export async function presetLayers(
  ctx: Pick<ServerContext, 'catalog' | 'config' | 'credentials'>,
  name: string | undefined,
): Promise<PresetLayers> {
  const cloud = ctx.credentials.cloud_name;
  const defaultName = ctx.config.defaultPreset;
  const defaultPreset = defaultName === null ? null : await ctx.catalog.presets.get(cloud, defaultName);
  // The admin API refuses to delete it, so this is a catalogue changed behind the server's back.
  if (defaultName !== null && !defaultPreset) throw new Error(`The default preset "${defaultName}" is missing.`);
  if (name === undefined) return { defaultPreset, explicitPreset: null };
  const explicitPreset = await ctx.catalog.presets.get(cloud, name);
  if (!explicitPreset) throw unknownPreset(name);
  return { defaultPreset, explicitPreset };
}

export function unknownPreset(name: string): UploadError {
  // Cloudinary's words.
  return new UploadError('PARAM_INVALID', `Upload preset not found: "${name.slice(0, 64)}".`);
}
