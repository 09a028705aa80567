/**
 * Whether a file is a PDF, from its first KiB: apart from pdf.ts so the browser's precheck can ask it of every file
 * and load the detector itself only for PDFs.
 */

/** Where readers accept the header. */
export const HEADER_WINDOW = 1024;

export const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const PDF_MAGIC = ascii('%PDF-');

/** True when `%PDF-` occurs within the first 1024 bytes (where readers accept the header). */
export function isPdfHeader(head: Uint8Array): boolean {
  return indexOf(head.subarray(0, HEADER_WINDOW), PDF_MAGIC) >= 0;
}

export function indexOf(haystack: Uint8Array, needle: Uint8Array, fromEnd = false): number {
  const last = haystack.length - needle.length;
  for (let i = fromEnd ? last : 0; fromEnd ? i >= 0 : i <= last; i += fromEnd ? -1 : 1) {
    let j = 0;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
