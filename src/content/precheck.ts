/**
 * Checks a chosen file in the browser before any byte is sent, with the same detectors the server runs, so a
 * person hears at once what the server would refuse anyway. Comfort only: the server decides.
 */
import type { UploadError } from '../errors.js';
import { HEADER_WINDOW, isPdfHeader } from './pdf-header.js';

export async function precheckFile(file: Blob): Promise<UploadError | undefined> {
  const head = new Uint8Array(await file.slice(0, HEADER_WINDOW).arrayBuffer());
  if (!isPdfHeader(head)) return undefined;
  // The detector loads with the first PDF: most batches have none.
  const { blobSource, checkPdf, pdfCheckError } = await import('./pdf.js');
  return pdfCheckError(await checkPdf(blobSource(file)));
}
