/**
 * The advanced options a person sets before choosing files, as a pure model: validation (the same rules the server
 * applies), and the upload parameters each file of a batch gets. With one public ID and several files, file i of n
 * gets `<id>_<i>` (1-based, in the order the files were added); with one file the ID is used as is.
 */
import { UploadError } from '../errors.js';
import type { UploadParams } from '../protocol/params.js';
import {
  checkContext,
  checkFolder,
  checkPublicId,
  checkTags,
  encodeContext,
  type RuleResult,
} from '../protocol/rules.js';

export interface UploadOptions {
  publicId: string;
  folder: string;
  tags: readonly string[];
  uploadPreset: string;
  context: Readonly<Record<string, string>>;
}

export const EMPTY_OPTIONS: UploadOptions = { publicId: '', folder: '', tags: [], uploadPreset: '', context: {} };

/** Why a batch was refused before upload (Cloudinary's `batch-cancelled` reasons plus our folder rule). */
export type BatchCancelReason =
  | 'INVALID_PUBLIC_ID'
  | 'INVALID_FOLDER_NAME'
  | 'INVALID_TAG'
  | 'INVALID_CONTEXT'
  | 'INVALID_UPLOAD_PRESET'
  | 'MAX_EXCEEDED';

const PRESET_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export type OptionsCheck = { ok: true } | { ok: false; reason: BatchCancelReason; error: UploadError };

/** Checks every option; `count` files will share them, so the suffixed public IDs are checked too. */
export function checkOptions(options: UploadOptions, count = 1): OptionsCheck {
  const checks: [RuleResult, BatchCancelReason][] = [
    [options.publicId ? checkPublicId(suffixed(options.publicId, count, count)) : { ok: true }, 'INVALID_PUBLIC_ID'],
    [checkFolder(options.folder), 'INVALID_FOLDER_NAME'],
    [checkTags(options.tags), 'INVALID_TAG'],
  ];
  for (const [result, reason] of checks) if (!result.ok) return { ok: false, reason, error: result.error };
  if (options.uploadPreset && !PRESET_NAME.test(options.uploadPreset))
    return {
      ok: false,
      reason: 'INVALID_UPLOAD_PRESET',
      error: new UploadError('PARAM_INVALID', 'An upload preset name uses letters, digits, "_" and "-" only.'),
    };
  const contextCheck = checkContext(options.context);
  if (!contextCheck.ok) return { ok: false, reason: 'INVALID_CONTEXT', error: contextCheck.error };
  return { ok: true };
}

/** The ID of file `index` (1-based) of `count` sharing one public ID. */
export function suffixed(publicId: string, index: number, count: number): string {
  return count > 1 ? `${publicId}_${index}` : publicId;
}

/** The upload parameters of file `index` (1-based) of `count`: exactly what is signed and sent for it. */
export function paramsFor(options: UploadOptions, index: number, count: number): UploadParams {
  const params: Record<string, string> = {};
  if (options.publicId) params.public_id = suffixed(options.publicId, index, count);
  if (options.folder) params.folder = options.folder;
  if (options.tags.length) params.tags = options.tags.join(',');
  if (options.uploadPreset) params.upload_preset = options.uploadPreset;
  const context = encodeContext(options.context);
  if (context) params.context = context;
  return params;
}
