/**
 * `signet-upload/protocol`: what the widget and the reference server share on the wire and decide the same way —
 * the Upload API's types and string to sign, the naming rules, the one error type and its codes, the PDF check and
 * the English messages, the lossless metadata stripper. Pure: no DOM, no Node built-ins, no side effects.
 */

export { type RemovedMetadata, STRIPPABLE_TYPES, type StripResult, stripMetadata } from '../content/metadata.js';
export {
  type ByteSource,
  checkPdf,
  isPdfHeader,
  PDF_LIMITS,
  type PdfCheck,
  type PdfLimits,
  pdfCheckError,
} from '../content/pdf.js';
export { ERROR_CODES, ERROR_STATUS, isUploadErrorCode, UploadError, type UploadErrorCode } from '../errors.js';
export { en, type SignetLocale } from '../locales/en.js';
export * from './params.js';
export * from './rules.js';
