/**
 * What the signing endpoint agrees to sign. It is not an oracle: only the parameters a page may set, with values
 * the upload endpoint would accept, and a current timestamp. Pure.
 */
import { checkFolder, checkPublicId, checkTags, parseTags, SIGNABLE_PARAMS, UploadError } from 'signet-upload/protocol';
import type { ServerConfig } from './config.js';
import { contextOf, parseBoolean } from './pipeline/request.js';
import { checkTimestamp } from './signing.js';

const SIGNABLE: ReadonlySet<string> = new Set(SIGNABLE_PARAMS);

/** The parameters to sign, as sent (arrays of tags comma-joined, exactly as the SDKs render them). */
export function toSignableParams(
  body: unknown,
  clock: ServerConfig['signing'] & { nowSeconds: number },
): Record<string, string | number | boolean> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new UploadError('BAD_REQUEST', 'Send the parameters to sign as one JSON object.');

  const refused = Object.keys(body).filter((key) => !SIGNABLE.has(key));
  if (refused.length > 0)
    throw new UploadError('PARAM_NOT_ALLOWED', `These parameters cannot be signed here: ${refused.join(', ')}.`);

  const params: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === 'tags' && Array.isArray(value) && value.every((tag) => typeof tag === 'string')) {
      // Joined with commas on the wire: a comma inside a tag would silently make two tags of it.
      const verdict = checkTags(value);
      if (!verdict.ok) throw verdict.error;
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
  return params;
}
