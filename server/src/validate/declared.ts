/**
 * The declared name and type against the bytes. The bytes decide what is stored: a harmless format the bytes prove
 * may arrive under another harmless format's name or type (a photo renamed `.jpg`, a PNG sent as `image/jpeg`) and is
 * stored as what it is. A claim is refused (415 TYPE_MISMATCH) when nothing proves it (text called `x.pdf`), when the
 * bytes are active content under another name (HTML, ELF or PHP called `x.jpg`), or when the name or type claims an
 * active format the bytes are not (`photo‮gnp.exe`): a disguise, whichever way round.
 */
import { UploadError } from 'signet-upload/protocol';
import { CLAIMABLE_FORMATS, declaredTypeFormat, isActiveFormat, sameFamily } from './formats.js';
import { claimedExtensions } from './names.js';
import type { ContentType } from './type.js';

export function assertDeclaredMatches(type: ContentType, names: readonly string[], declaredType = ''): void {
  const proven = type.origin === 'signature' || type.origin === 'markup';
  // Only a signature proves a format; markup is always active, so it only ever confirms its own family.
  const harmless = type.origin === 'signature' && !type.active;
  const accepted = (claim: string) =>
    proven && (sameFamily(claim, type.format) || (harmless && !isActiveFormat(claim)));
  for (const name of names) {
    for (const claim of claimedExtensions(name)) {
      if (CLAIMABLE_FORMATS.has(claim) && !accepted(claim))
        throw new UploadError('TYPE_MISMATCH', `The file is named “.${claim}” but ${describe(type)}.`);
    }
  }
  const declared = declaredTypeFormat(declaredType);
  if (declared && !accepted(declared))
    throw new UploadError('TYPE_MISMATCH', `The file was sent as ${declared.toUpperCase()} but ${describe(type)}.`);
}

function describe(type: ContentType): string {
  if (type.origin === 'signature' || type.origin === 'markup') return `its content is ${type.format.toUpperCase()}`;
  return 'its content is not in that format';
}
