/**
 * Checks a chosen file in the browser before any byte is sent, with the same detectors the server runs, so a
 * person hears at once what the server would refuse anyway. Comfort only: the server decides.
 */
import type { UploadError } from '../errors.js';
import { blobSource, checkPdf, isPdfHeader, pdfCheckError } from './pdf.js';

export async function precheckFile(file: Blob): Promise<UploadError | undefined> {
  const head = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
  if (!isPdfHeader(head)) return undefined;
  return pdfCheckError(await checkPdf(blobSource(file)));
}
