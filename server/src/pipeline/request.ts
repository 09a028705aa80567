/**
 * Upload parameters: collecting them off the wire (unknown names, duplicates) and turning the collected strings
 * into a typed, validated request. Pure; the multipart reader and the route only feed it.
 */
import {
  checkFolder,
  checkPublicId,
  checkTags,
  parseContext,
  parseTags,
  SERVER_PARAMS,
  SIGNABLE_PARAMS,
  type SignatureAlgorithm,
  UNSIGNED_PARAMS,
  UploadError,
} from 'signet-upload/protocol';
import { parseCustomCoordinates } from '../coordinates.js';
import { PRESET_NAME, parseAllowedFormats } from '../presets/definition.js';
import type { ExplicitParams } from '../presets/resolve.js';
import { isSignatureAlgorithm } from '../signing.js';

/**
 * Cloudinary upload parameters the server reads beyond the widget's own (`SIGNABLE_PARAMS`). Each only restricts the
 * upload, gives its uploader a way to undo it, or describes the uploaded image itself (`custom_coordinates`), so a
 * page may have them signed as well (sign-request.ts).
 */
export const MORE_UPLOAD_PARAMS = [
  'return_delete_token',
  'moderation',
  'allowed_formats',
  'use_asset_folder_as_public_id_prefix',
  'custom_coordinates',
] as const;

const ALLOWED: ReadonlySet<string> = new Set<string>([...SIGNABLE_PARAMS, ...MORE_UPLOAD_PARAMS, ...SERVER_PARAMS]);

/**
 * Gathers parameters from the query string and the multipart fields. Each name may appear once, whatever its form
 * (`tags` and `tags[]` are one name), so the verifier and the storage read the very same value.
 */
export class ParamCollector {
  readonly #values = new Map<string, string>();
  readonly #unknown = new Set<string>();

  /** Throws PARAM_DUPLICATE on a second occurrence; unknown names are remembered for `assertKnown`. */
  add(rawName: string, value: string): void {
    const name = rawName.endsWith('[]') ? rawName.slice(0, -2) : rawName;
    if (!ALLOWED.has(name)) {
      this.#unknown.add(rawName);
      return;
    }
    if (this.#values.has(name))
      throw new UploadError('PARAM_DUPLICATE', `The parameter "${name}" was sent more than once.`);
    this.#values.set(name, value);
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  /**
   * At the start of the file part: some parameters must have come already (every client we know sends them
   * first). A file before any of them is refused before its bytes are read, whatever follows it.
   */
  assertFieldsFirst(): void {
    if (this.#values.size === 0 && this.#unknown.size === 0)
      throw new UploadError('BAD_REQUEST', 'Send every parameter before the file.');
  }

  /** Throws PARAM_NOT_ALLOWED naming every unknown parameter seen so far. */
  assertKnown(): void {
    if (this.#unknown.size === 0) return;
    const names = [...this.#unknown].map((name) => `"${printable(name)}"`).join(', ');
    throw new UploadError('PARAM_NOT_ALLOWED', `Parameters not allowed here: ${names}.`);
  }

  values(): Record<string, string> {
    return Object.fromEntries(this.#values);
  }
}

export interface UploadRequest {
  /**
   * No signature, but an `upload_preset`: allowed only if that preset is unsigned (checked with the catalogue, in
   * presets/upload.ts). `apiKey` and `signature` are then '' and `timestamp` 0 unless one was sent.
   */
  unsigned: boolean;
  apiKey: string;
  signature: string;
  /** As named by the request; absent = inferred from the signature's length. */
  algorithm: SignatureAlgorithm | undefined;
  timestamp: number;
  /** Exactly the parameters the signature covers. */
  signed: Record<string, string>;
  uploadPreset: string | undefined;
  /** The names of the parameters sent with a value. */
  sent: string[];
  /** What the request set itself, checked, for layering over presets (presets/resolve.ts fills the defaults). */
  explicit: ExplicitParams;
}

/**
 * Validates collected parameters. Signature checks come later (they need the secret); this only decides whether the
 * request is well-formed: 401 for missing credentials, 400 for bad values.
 */
export function parseUploadRequest(values: Record<string, string>): UploadRequest {
  const get = (name: string): string | undefined => (values[name] === '' ? undefined : values[name]);
  const apiKey = get('api_key');
  const signature = get('signature');
  const uploadPreset = get('upload_preset');
  const unsigned = signature === undefined && uploadPreset !== undefined;
  if (!unsigned) {
    if (!apiKey) throw new UploadError('SIGNATURE_INVALID', 'Must supply api_key.');
    if (!signature) throw new UploadError('SIGNATURE_INVALID', 'Must supply signature.');
  }
  if (uploadPreset !== undefined && !PRESET_NAME.test(uploadPreset))
    throw new UploadError('PARAM_INVALID', 'upload_preset must be 1–64 letters, digits, "_" or "-".');

  const algorithmText = get('signature_algorithm');
  if (algorithmText !== undefined && !isSignatureAlgorithm(algorithmText))
    throw new UploadError('PARAM_INVALID', 'signature_algorithm must be "sha1" or "sha256".');

  const timestampText = get('timestamp');
  if (timestampText === undefined && !unsigned)
    throw new UploadError('PARAM_INVALID', 'Missing required parameter - timestamp.');
  if (timestampText !== undefined && !/^\d{1,12}$/.test(timestampText))
    throw new UploadError('PARAM_INVALID', 'timestamp must be an integer number of seconds.');

  const publicId = get('public_id');
  const assetFolder = get('asset_folder');
  const tags = parseTags(get('tags') ?? '');
  if (publicId !== undefined) assertRule(checkPublicId(publicId));
  assertRule(checkFolder(get('folder') ?? ''));
  if (assetFolder !== undefined) assertRule(checkFolder(assetFolder));
  assertRule(checkTags(tags));
  const prefixed = parseBoolean('use_asset_folder_as_public_id_prefix', get('use_asset_folder_as_public_id_prefix'));
  if (prefixed && assetFolder !== undefined && get('folder') !== undefined && get('folder') !== assetFolder)
    throw new UploadError(
      'PARAM_INVALID',
      'With use_asset_folder_as_public_id_prefix the asset folder is the public ID’s folder: send no other folder.',
    );

  const signed = Object.fromEntries(Object.entries(values).filter(([name]) => !UNSIGNED_PARAMS.has(name)));
  const explicit: ExplicitParams = {
    publicId,
    folder: get('folder'),
    assetFolder,
    displayName: checkText('display_name', get('display_name')),
    filenameOverride: checkText('filename_override', get('filename_override')),
    tags: get('tags') === undefined ? undefined : tags,
    context: get('context') === undefined ? undefined : contextOf(get('context') ?? ''),
    useFilename: parseBoolean('use_filename', get('use_filename')),
    uniqueFilename: parseBoolean('unique_filename', get('unique_filename')),
    overwrite: parseBoolean('overwrite', get('overwrite')),
    moderation: parseModeration(get('moderation')),
    allowedFormats:
      get('allowed_formats') === undefined ? undefined : parseAllowedFormats(get('allowed_formats') ?? ''),
    useAssetFolderAsPublicIdPrefix: prefixed,
    returnDeleteToken: parseBoolean('return_delete_token', get('return_delete_token')),
    customCoordinates:
      get('custom_coordinates') === undefined ? undefined : parseCustomCoordinates(get('custom_coordinates') ?? ''),
  };
  return {
    unsigned,
    apiKey: apiKey ?? '',
    signature: signature ?? '',
    algorithm: algorithmText,
    timestamp: Number(timestampText ?? 0),
    signed,
    uploadPreset,
    sent: Object.keys(values).filter((name) => get(name) !== undefined),
    explicit,
  };
}

/** `true`/`1` and `false`/`0`, as the SDKs send booleans (they send 1/0). */
export function parseBoolean(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new UploadError('PARAM_INVALID', `${name} must be true or false.`);
}

/** Cloudinary's `moderation`: only manual review exists here; the add-ons (`aws_rek`, `webpurify` …) do not. */
export function parseModeration(value: string | undefined): 'manual' | undefined {
  if (value === undefined || value === 'manual') return value;
  throw new UploadError(
    'PARAM_INVALID',
    `moderation "${printable(value)}" is not supported here; "manual" holds new assets for review.`,
  );
}

function checkText(name: string, value: string | undefined): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse them
  if (value !== undefined && (value.length > 255 || /[\u0000-\u001f\u007f]/.test(value)))
    throw new UploadError('PARAM_INVALID', `${name} must be at most 255 printable characters.`);
  return value;
}

/** The `context` parameter, decoded by the shared codec; 400 CONTEXT_INVALID when it breaks the shared rule. */
export function contextOf(text: string): Record<string, string> {
  const parsed = parseContext(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.context;
}

function assertRule(result: { ok: true } | { ok: false; error: UploadError }): void {
  if (!result.ok) throw result.error;
}

function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: shown escaped in messages
  const shown = text.replace(/[\u0000-\u001f\u007f"]/g, '?');
  return shown.length > 64 ? `${shown.slice(0, 64)}…` : shown;
}

/** What every signed call carries besides its own parameters. */
const CREDENTIALS = ['api_key', 'signature', 'signature_algorithm', 'timestamp'] as const;

/**
 * Parameters of the Upload API's calls on stored assets (destroy, rename, tags, context, explicit) and of
 * delete_by_token: only the names the call knows, each once, except `lists` (`public_ids`), which gather every value
 * sent under the name or the name with `[]` — the SDKs send one field per public ID.
 */
export class CallParams {
  readonly #allowed: ReadonlySet<string>;
  readonly #lists: ReadonlySet<string>;
  readonly #values = new Map<string, string | string[]>();
  readonly #unknown = new Set<string>();

  constructor(names: readonly string[], options: { lists?: readonly string[]; signed?: boolean } = {}) {
    this.#lists = new Set(options.lists ?? []);
    this.#allowed = new Set([...names, ...this.#lists, ...(options.signed === false ? [] : CREDENTIALS)]);
  }

  add(rawName: string, value: string): void {
    const name = rawName.endsWith('[]') ? rawName.slice(0, -2) : rawName;
    if (!this.#allowed.has(name)) {
      this.#unknown.add(rawName);
      return;
    }
    const held = this.#values.get(name);
    if (this.#lists.has(name)) {
      this.#values.set(name, [...(Array.isArray(held) ? held : []), value]);
      return;
    }
    if (held !== undefined)
      throw new UploadError('PARAM_DUPLICATE', `The parameter "${name}" was sent more than once.`);
    this.#values.set(name, value);
  }

  /** Throws PARAM_NOT_ALLOWED naming every parameter the call does not know. */
  assertKnown(): void {
    if (this.#unknown.size === 0) return;
    const names = [...this.#unknown].map((name) => `"${printable(name)}"`).join(', ');
    throw new UploadError('PARAM_NOT_ALLOWED', `Parameters not allowed here: ${names}.`);
  }

  /** A single value ('' counts as absent, as in the string to sign). */
  text(name: string): string | undefined {
    const value = this.#values.get(name);
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** A list's values, blanks dropped (as the SDKs drop them before signing). */
  list(name: string): string[] {
    const value = this.#values.get(name);
    return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item) => item !== '');
  }

  /** The credentials and exactly the parameters the signature covers (lists as the SDKs sign them: comma-joined). */
  signedCall(): SignedCall {
    const apiKey = this.text('api_key');
    const signature = this.text('signature');
    if (!apiKey) throw new UploadError('SIGNATURE_INVALID', 'Must supply api_key.');
    if (!signature) throw new UploadError('SIGNATURE_INVALID', 'Must supply signature.');
    const algorithm = this.text('signature_algorithm');
    if (algorithm !== undefined && !isSignatureAlgorithm(algorithm))
      throw new UploadError('PARAM_INVALID', 'signature_algorithm must be "sha1" or "sha256".');
    const timestamp = this.text('timestamp');
    if (timestamp === undefined) throw new UploadError('PARAM_INVALID', 'Missing required parameter - timestamp.');
    if (!/^\d{1,12}$/.test(timestamp))
      throw new UploadError('PARAM_INVALID', 'timestamp must be an integer number of seconds.');
    const signed: Record<string, string | string[]> = {};
    for (const [name, value] of this.#values) {
      if (UNSIGNED_PARAMS.has(name)) continue;
      signed[name] = Array.isArray(value) ? value.filter((item) => item !== '') : value;
    }
    return { apiKey, signature, algorithm, timestamp: Number(timestamp), signed };
  }
}

/** A signed call's credentials and signed parameters, as `authorizeAssetCall` checks them. */
export interface SignedCall {
  apiKey: string;
  signature: string;
  algorithm: SignatureAlgorithm | undefined;
  timestamp: number;
  signed: Record<string, string | string[]>;
}
