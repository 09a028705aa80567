/** The element's state, reflected as its `status` attribute so pages can style it. */
export type UploaderStatus = 'idle' | 'ready' | 'uploading' | 'complete' | 'error';

/**
 * Collapses Uppy's queue into one status: files waiting → ready, any in flight → uploading, failures waiting for a
 * retry → error. An empty queue after a run keeps that run's verdict (`complete`, or `error` when a file was refused
 * or failed) until a new batch begins; files that ended leave the queue for the results list.
 */
export function statusOf(
  files: readonly { progress: { uploadStarted: number | null; uploadComplete?: boolean }; error?: string | null }[],
  lastRun: 'complete' | 'error' | null = null,
): UploaderStatus {
  if (files.length === 0) return lastRun ?? 'idle';
  if (files.some((f) => f.progress.uploadStarted && !f.progress.uploadComplete && !f.error)) return 'uploading';
  if (files.some((f) => f.error)) return 'error';
  if (files.every((f) => f.progress.uploadComplete)) return lastRun ?? 'complete';
  return 'ready';
}
