/** signet-upload: classes, types, events and errors. Importing it defines no element (see `signet-upload/define`). */
export type { UploadBackend, UploadTask } from './backends/backend.js';
export { CloudinaryBackend, type CloudinaryBackendOptions } from './backends/cloudinary.js';
export { type Signer, signatureUrlSigner } from './backends/signer.js';
export { ERROR_CODES, isRetryable, UploadError, type UploadErrorCode } from './errors.js';
export { SignetBatchCancelledEvent } from './events/batch-cancelled.js';
export type { FileSummary, UploadOutcome } from './events/file-summary.js';
export { SignetOptionsChangeEvent } from './events/options-change.js';
export { SignetQueueCompleteEvent } from './events/queue-complete.js';
export { SignetUploadErrorEvent } from './events/upload-error.js';
export { SignetUploadExistingEvent } from './events/upload-existing.js';
export { SignetUploadSuccessEvent } from './events/upload-success.js';
export { en, type SignetLocale, type SignetStrings } from './locales/en.js';
export { type PresetChoice, SignetAdvancedOptions } from './options/advanced-options.js';
export { type BatchCancelReason, checkOptions, paramsFor, type UploadOptions } from './options/options.js';
export type { SignedParams, UploadApiResponse, UploadParams } from './protocol/params.js';
export type { UploaderStatus } from './uploader/status.js';
export { SignetUploader } from './uploader/uploader.js';
