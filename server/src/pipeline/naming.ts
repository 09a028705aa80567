/**
 * Naming: the public ID an upload gets, and the client's file name made safe to show. Pure apart from randomness.
 */
import { randomInt } from 'node:crypto';
import type { ResourceType } from 'signet-upload/protocol';
import { checkPublicId } from 'signet-upload/protocol';
import { rawExtension } from '../validate/detect.js';
import { sanitizeDisplayName } from '../validate/names.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function randomId(length: number): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

/**
 * The client's file name without any path, invisible characters or extension, for display (`original_filename`);
 * see validate/names.ts.
 */
export function displayFilename(filename: string): string {
  return sanitizeDisplayName(filename);
}

/** A file name turned into one public-ID segment: letters, digits, `_` and `-` only, never empty. */
export function filenameToId(filename: string): string {
  const safe = displayFilename(filename)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '')
    .slice(0, 200);
  return safe || 'file';
}

export interface NamingInput {
  publicId: string | undefined;
  folder: string;
  useFilename: boolean;
  uniqueFilename: boolean;
  /** `filename_override` or the multipart file name. */
  filename: string;
  resourceType: ResourceType;
  /** The detected format; for raw files, the file name's extension. */
  format: string;
}

/**
 * Cloudinary's fixed-folder naming: `folder/` + the given public ID, else the file name (`use_filename`, plus a
 * random suffix unless `unique_filename` is false), else 20 random characters. Generated raw IDs carry the file's
 * extension, as Cloudinary's do; a given raw ID is taken as is.
 */
export function makePublicId(input: NamingInput): { publicId: string; format: string } {
  const prefix = input.folder ? `${input.folder}/` : '';
  if (input.publicId !== undefined) {
    const publicId = prefix + input.publicId;
    assertValid(publicId);
    const format = input.resourceType === 'raw' ? rawExtension(input.publicId) : input.format;
    return { publicId, format };
  }
  let base = randomId(20);
  if (input.useFilename) base = filenameToId(input.filename) + (input.uniqueFilename ? `_${randomId(6)}` : '');
  const extension = input.resourceType === 'raw' && input.format ? `.${input.format}` : '';
  const publicId = prefix + base + extension;
  assertValid(publicId);
  return { publicId, format: input.format };
}

function assertValid(publicId: string): void {
  const verdict = checkPublicId(publicId);
  if (!verdict.ok) throw verdict.error;
}
