/**
 * The declared name and type against the bytes: a name or a Content-Type that claims a format the bytes can
 * confirm must be confirmed (HTML, ELF or PHP called `x.jpg`, text called `x.pdf` → 415 TYPE_MISMATCH).
 */
import { UploadError } from 'signet-upload/protocol';
import { CLAIMABLE_FORMATS, declaredTypeFormat, sameFamily } from './formats.js';
import { claimedExtensions } from './names.js';
import type { ContentType } from './type.js';

export function assertDeclaredMatches(type: ContentType, names: readonly string[], declaredType = ''): void {
  const proven = type.origin === 'signature' || type.origin === 'markup';
  const confirmed = (claim: string) => proven && sameFamily(claim, type.format);
  for (const name of names) {
    for (const claim of claimedExtensions(name)) {
      if (CLAIMABLE_FORMATS.has(claim) && !confirmed(claim))
        throw new UploadError('TYPE_MISMATCH', `The file is named “.${claim}” but ${describe(type)}.`);
    }
  }
  const declared = declaredTypeFormat(declaredType);
  if (declared && !confirmed(declared))
    throw new UploadError('TYPE_MISMATCH', `The file was sent as ${declared.toUpperCase()} but ${describe(type)}.`);
}

function describe(type: ContentType): string {
  if (type.origin === 'signature' || type.origin === 'markup') return `its content is ${type.format.toUpperCase()}`;
  return 'its content is not in that format';
}
