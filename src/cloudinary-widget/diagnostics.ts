/**
 * Signature diagnostics (`debug`): an "Invalid signature" answer from Cloudinary, or from the reference server, names
 * the string it expected to be signed ("… String to sign - 'public_id=x&source=uw&timestamp=1'."). Set beside the
 * string the page was asked to sign, the most common integration mistakes read at a glance: a parameter left out
 * (`source=uw`, tags), another timestamp, or another secret when both agree. Neither string holds the secret.
 */
import { fill } from '../locales/fill.js';
import { stringToSign, type UploadParams } from '../protocol/params.js';
import type { FrameWords } from './words.js';

/** The string the server expected to be signed, from its message; null when the message names none. */
export function expectedString(message: string): string | null {
  return /String to sign - '([^']*)'/.exec(message)?.[1] ?? null;
}

/** What the page was asked to sign, written as Cloudinary writes its string to sign. */
export function askedString(params: UploadParams): string {
  return stringToSign(params);
}

/** The `k=v` pairs of one string to sign that the other lacks. */
export function missingPairs(from: string, other: string): string[] {
  const have = new Set(other.split('&'));
  return from.split('&').filter((pair) => pair && !have.has(pair));
}

/**
 * What a person debugging the page reads: both strings, then why they fail. `fixed` when the signature was a string
 * made before the upload (Cloudinary's `uploadSignature` string), which was asked nothing.
 */
export function describeMismatch(expected: string, asked: string, words: FrameWords, fixed = false): string {
  if (fixed) return fill(words.diagnosisFixed, { expected });
  const head = fill(words.diagnosis, { expected, asked });
  if (expected === asked) return `${head} ${words.diagnosisSame}`;
  const list = (pairs: string[]) => (pairs.length ? pairs.join(', ') : '—');
  return `${head} ${fill(words.diagnosisDiffers, {
    missing: list(missingPairs(expected, asked)),
    extra: list(missingPairs(asked, expected)),
  })}`;
}
