/**
 * What the signing endpoint agrees to sign. It is not an oracle: only the parameters a page may set, with values
 * the upload endpoint would accept, and a current timestamp. Pure.
 *
 * Two kinds of parameter sets are signed:
 *   an upload         the widget's parameters (`SIGNABLE_PARAMS`) and the upload parameters that only restrict an
 *                     upload, let its uploader undo it or describe the image (`MORE_UPLOAD_PARAMS`: moderation,
 *                     allowed_formats, use_asset_folder_as_public_id_prefix, return_delete_token,
 *                     custom_coordinates); never overwrite, notification_url, eager, type or transformation
 *   a call on assets  rename (`from_public_id`, `to_public_id`), tags and context (`public_ids`, `command`, `tag`,
 *                     `context`), told apart by those keys; never overwrite. A destroy signs `public_id` and
 *                     `timestamp`, which read as an upload of that public ID: the same folder is checked.
 * Either way the folders they touch are checked against the caller's grants (auth/access.ts `assertMaySign`, with
 * `assetCallFolders` here), and again when the signature is used.
 */
import { checkFolder, checkPublicId, checkTags, parseTags, SIGNABLE_PARAMS, UploadError } from 'signet-upload/protocol';
import { folderOf } from './auth/permissions.js';
import type { ServerConfig } from './config.js';
import { parseCustomCoordinates } from './coordinates.js';
import { contextOf, MORE_UPLOAD_PARAMS, parseBoolean, parseModeration } from './pipeline/request.js';
import { parseAllowedFormats } from './presets/definition.js';
import { checkTimestamp } from './signing.js';

const SIGNABLE: ReadonlySet<string> = new Set([...SIGNABLE_PARAMS, ...MORE_UPLOAD_PARAMS]);
/** The keys that make a parameter set a call on assets rather than an upload. */
const CALL_KEYS: readonly string[] = ['from_public_id', 'to_public_id', 'public_ids', 'command'];
const CALL_SIGNABLE: ReadonlySet<string> = new Set([...CALL_KEYS, 'tag', 'context', 'type', 'invalidate', 'timestamp']);
const MAX_PUBLIC_IDS = 1000;

/** The parameters to sign, as sent (arrays of tags comma-joined, exactly as the SDKs render them). */
export function toSignableParams(
  body: unknown,
  clock: ServerConfig['signing'] & { nowSeconds: number },
): Record<string, string | number | boolean> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new UploadError('BAD_REQUEST', 'Send the parameters to sign as one JSON object.');

  const call = CALL_KEYS.some((key) => Object.hasOwn(body, key));
  const refused = Object.keys(body).filter((key) => !(call ? CALL_SIGNABLE : SIGNABLE).has(key));
  if (refused.length > 0)
    throw new UploadError('PARAM_NOT_ALLOWED', `These parameters cannot be signed here: ${refused.join(', ')}.`);

  const params: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === 'tags' && Array.isArray(value) && value.every((tag) => typeof tag === 'string')) {
      // Joined with commas on the wire: a comma inside a tag would silently make two tags of it.
      const verdict = checkTags(value);
      if (!verdict.ok) throw verdict.error;
      params[key] = value.join(',');
    } else if (key === 'public_ids' && Array.isArray(value) && value.every((id) => typeof id === 'string')) {
      // The SDKs sign a list comma-joined; no public ID holds a comma, so the joined string names exactly these.
      params[key] = value.join(',');
    } else if (
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    ) {
      params[key] = value;
    } else {
      throw new UploadError('PARAM_INVALID', `${key} must be a string, a number or a boolean.`);
    }
  }

  const timestamp = params.timestamp;
  if (timestamp === undefined) throw new UploadError('PARAM_INVALID', 'Missing required parameter - timestamp.');
  if (!/^\d{1,12}$/.test(String(timestamp)))
    throw new UploadError('PARAM_INVALID', 'timestamp must be an integer number of seconds.');
  const verdict = checkTimestamp(Number(timestamp), clock.nowSeconds, clock);
  if (verdict !== 'ok')
    throw new UploadError(
      'SIGNATURE_EXPIRED',
      verdict === 'expired' ? 'The timestamp is too old to sign.' : 'The timestamp is in the future; check the clock.',
    );

  // Blank values are dropped from the string to sign, and the upload endpoint reads them as absent.
  const text = (key: string): string | undefined =>
    params[key] === undefined || params[key] === '' ? undefined : String(params[key]);
  if (call) {
    checkCall(text);
    return params;
  }
  const publicId = text('public_id');
  const rules = [
    checkFolder(text('folder') ?? ''),
    checkFolder(text('asset_folder') ?? ''),
    checkTags(parseTags(text('tags') ?? '')),
    ...(publicId === undefined ? [] : [checkPublicId(publicId)]),
  ];
  for (const rule of rules) if (!rule.ok) throw rule.error;
  contextOf(text('context') ?? '');
  parseBoolean('use_filename', text('use_filename'));
  parseBoolean('unique_filename', text('unique_filename'));
  parseBoolean('return_delete_token', text('return_delete_token'));
  parseBoolean('use_asset_folder_as_public_id_prefix', text('use_asset_folder_as_public_id_prefix'));
  parseModeration(text('moderation'));
  if (text('allowed_formats') !== undefined) parseAllowedFormats(text('allowed_formats') ?? '');
  // The image's size is unknown until its bytes arrive: whether the boxes fit is checked then (pipeline/finalize.ts).
  if (text('custom_coordinates') !== undefined) parseCustomCoordinates(text('custom_coordinates') ?? '');
  return params;
}

/** A call's values, as the Upload API will read them (routes/upload-api.ts). */
function checkCall(text: (key: string) => string | undefined): void {
  const ids = [text('from_public_id'), text('to_public_id'), ...parseTags(text('public_ids') ?? '')];
  if (ids.length > MAX_PUBLIC_IDS + 2) throw new UploadError('PARAM_INVALID', `At most ${MAX_PUBLIC_IDS} public IDs.`);
  for (const id of ids) {
    if (id === undefined) continue;
    const verdict = checkPublicId(id);
    if (!verdict.ok) throw verdict.error;
  }
  const tags = checkTags(parseTags(text('tag') ?? ''));
  if (!tags.ok) throw tags.error;
  contextOf(text('context') ?? '');
  parseBoolean('invalidate', text('invalidate'));
  if ((text('type') ?? 'upload') !== 'upload') throw new UploadError('PARAM_INVALID', 'type must be "upload".');
}

/**
 * The folders a call on assets names (each public ID's folder), or null for an upload's parameters. The signing
 * endpoint checks these against the caller's grants; the Upload API checks them again, with the assets' own folders.
 */
export function assetCallFolders(params: Readonly<Record<string, string | number | boolean>>): string[] | null {
  if (!CALL_KEYS.some((key) => params[key] !== undefined)) return null;
  const text = (key: string): string => (params[key] === undefined ? '' : String(params[key]));
  const ids = [text('from_public_id'), text('to_public_id'), ...parseTags(text('public_ids'))].filter(
    (id) => id !== '',
  );
  return [...new Set(ids.map(folderOf))];
}
