/**
 * What the bytes are: file-type's signatures first; for signature-less files the head's markup or script (see
 * sniff.ts); only then the name, and only for what no byte can prove (plain text, a `.js` script). Text that
 * declares its encoding (a byte-order mark, or UTF-16/32's zero bytes) is text first: its markup counts before any
 * signature its first bytes happen to match, and when it decodes cleanly no signature applies at all.
 */
import type { ResourceType } from 'signet-upload/protocol';
import { kindOf, rawExtension } from './detect.js';
import { CLAIMABLE_FORMATS, canonicalExtension, isActiveFormat, isActiveNameExtension } from './formats.js';
import { declaredText, refineXml, sniffMarkup } from './sniff.js';

export interface ContentType {
  /** Lower case, in file-type's vocabulary (`jpg`, `tif`); '' when nothing names it. */
  format: string;
  /** What Cloudinary files the format under with `auto`. */
  kind: ResourceType;
  /** Where the format comes from: only 'signature' and 'markup' are facts about the bytes. */
  origin: 'signature' | 'markup' | 'name' | 'none';
  active: boolean;
}

/** `path` holds the file (or its head); `head` is its first bytes; `name` the client's file name. */
export async function detectType(path: string, head: Uint8Array, name: string): Promise<ContentType> {
  const declared = declaredText(head);
  // Loaded with the first upload, not at start: an idle server should not carry its thousands of signatures.
  const signature = declared?.clean ? undefined : await (await import('file-type/node')).fileTypeFromFile(path);
  // Markup inside a signed binary (a PNG's text chunk) is only data; a declared text is read before its signature.
  const markup = signature && !declared ? null : sniffMarkup(head);
  if (markup) return { format: markup, kind: 'raw', origin: 'markup', active: true };
  if (signature) {
    // `tar.gz` and the like: the outer format names the bytes.
    let format = canonicalExtension(signature.ext.slice(signature.ext.lastIndexOf('.') + 1));
    if (format === 'xml') format = refineXml(head);
    return { format, kind: kindOf(format), origin: 'signature', active: isActiveFormat(format) };
  }
  const extension = canonicalExtension(rawExtension(name));
  if (extension && isActiveNameExtension(extension))
    return { format: extension, kind: 'raw', origin: 'name', active: true };
  // A plain text or unknown file keeps its name's extension (it decides nothing but the public ID's suffix and a
  // text/plain, text/csv or octet-stream type), unless the name claims a format the bytes would have shown.
  if (extension && !CLAIMABLE_FORMATS.has(extension))
    return { format: extension, kind: 'raw', origin: 'name', active: false };
  return { format: '', kind: 'raw', origin: 'none', active: false };
}
