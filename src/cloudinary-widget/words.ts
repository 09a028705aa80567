/**
 * The words of the frame this layer draws around <signet-uploader> (its modal window, minimised bar and the
 * applyUploadWidget button), in English; a page changes them with Cloudinary's `text` option (text.ts). The
 * element's own words come from its locale (`language`).
 */
export const frameWords = {
  title: 'Upload files',
  close: 'Close',
  minimize: 'Minimize',
  expand: 'Expand',
  showCompleted: 'Show completed',
  uploading: 'Uploading…',
  uploaded: 'Uploaded',
  /** applyUploadWidget's button (Cloudinary's loader default; `buttonCaption` replaces it). */
  button: 'Upload image',
  /**
   * `debug`: beside an "Invalid signature" answer. `{expected}` is what the server verified, `{asked}` what the
   * page's signing function or endpoint was asked to sign; neither holds the API secret.
   */
  diagnosis: 'Debug: the server expected the signature of “{expected}”; the page was asked to sign “{asked}”.',
  /** When both strings agree, the fault is in how the page's endpoint signed them. */
  diagnosisSame:
    'They agree: the page’s endpoint signed other parameters than it was sent (it must sign all of them, source=uw included), another timestamp, or with another API secret.',
  /** When they differ: the pairs of one missing from the other. */
  diagnosisDiffers: 'Not signed: {missing}. Signed but not sent: {extra}.',
  /** A signature given as a string (computed when the page loaded). */
  diagnosisFixed:
    'The page’s uploadSignature string was computed before the upload: it must sign exactly “{expected}”.',
};

export type FrameWords = { -readonly [K in keyof typeof frameWords]: string };
