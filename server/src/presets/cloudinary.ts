/**
 * Upload presets as Cloudinary's Admin API carries them: form fields in (`POST /upload_presets`, `PUT
 * /upload_presets/:name`, as the SDKs' create/update_upload_preset send them: text, booleans as 1/0 or true/false,
 * lists comma-separated, context as `k=v|k2=v2`), `{name, unsigned, settings}` out. Every definition still passes
 * `parsePreset`: a field this server does not know is refused, never dropped. Pure.
 */
import { UploadError } from 'signet-upload/protocol';
import { contextOf, parseBoolean } from '../pipeline/request.js';
import type { UploadPreset } from './definition.js';

/** Cloudinary's preset JSON. */
export interface CloudinaryPresetJson {
  name: string;
  unsigned: boolean;
  settings: Omit<UploadPreset, 'name' | 'unsigned'>;
}

export function toCloudinaryPreset(preset: UploadPreset): CloudinaryPresetJson {
  const { name, unsigned, ...settings } = preset;
  return { name, unsigned, settings };
}

const BOOLEANS = new Set([
  'unsigned',
  'use_filename',
  'unique_filename',
  'overwrite',
  'allow_active_content',
  'return_delete_token',
  'strip_metadata',
]);
/** Sent by the SDKs with every preset call (their upload parameters' builder adds it); meaningless for a preset. */
const IGNORED = new Set(['timestamp']);

/** A definition for `parsePreset` from the Admin API's form fields (`name` excluded). */
export function presetFromForm(fields: Readonly<Record<string, string>>): Record<string, unknown> {
  const definition: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (IGNORED.has(key) || key === 'name') continue;
    if (BOOLEANS.has(key)) definition[key] = parseBoolean(key, value);
    else if (key === 'context') definition[key] = contextOf(value);
    else if (key === 'max_file_size') {
      if (!/^\d{1,16}$/.test(value)) throw new UploadError('PARAM_INVALID', 'max_file_size must be a number of bytes.');
      definition[key] = Number(value);
    } else definition[key] = value;
  }
  return definition;
}
