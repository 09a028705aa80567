/** The element's state, reflected as its `status` attribute so pages can style it. */
export type UploaderStatus = 'idle' | 'ready' | 'uploading' | 'complete' | 'error';

/** Collapses Uppy's state into one status: files waiting → ready, any in flight → uploading, and so on. */
export function statusOf(
  files: readonly { progress: { uploadStarted: number | null; uploadComplete?: boolean }; error?: string | null }[],
): UploaderStatus {
  if (files.length === 0) return 'idle';
  if (files.some((f) => f.progress.uploadStarted && !f.progress.uploadComplete && !f.error)) return 'uploading';
  if (files.some((f) => f.error)) return 'error';
  if (files.every((f) => f.progress.uploadComplete)) return 'complete';
  return 'ready';
}
