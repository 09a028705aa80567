/**
 * The camera source (`sources="camera …"`), loaded only when listed: Uppy's webcam plugin as a Dashboard tab
 * (photos, and video when `accept` allows it). On phones and tablets the plugin offers the system's own camera
 * instead (Dashboard buttons whose file input has `capture`), which is what people there expect.
 */
import type { Body, Meta, UIPlugin, Uppy } from '@uppy/core';
import Webcam from '@uppy/webcam';
import webcamCss from '@uppy/webcam/css/style.min.css?inline';

let sheet: CSSStyleSheet | undefined;

/** `accept` allows video (no list, `video/*`, or a video extension): then the camera also records. */
function allowsVideo(accept: readonly string[] | null): boolean {
  return (
    !accept || accept.some((type) => type === '*' || type.startsWith('video/') || /^\.(mp4|webm|mov)$/i.test(type))
  );
}

export function installCamera(
  uppy: Uppy<Meta, Body>,
  root: ShadowRoot,
  dashboard: UIPlugin<never, Meta, Body>,
  accept: readonly string[] | null,
): void {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(webcamCss);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const video = allowsVideo(accept);
  uppy.use(Webcam, {
    // The instance: a string target is looked up in `document`, where our shadow root's Dashboard is not. With a
    // target the plugin also knows where to put the phone's own camera buttons.
    target: dashboard as never,
    modes: video ? ['picture', 'video-audio'] : ['picture'],
    // The recording's clock, only where something can be recorded.
    showRecordingLength: video,
  });
  // On phones the plugin only turns on the Dashboard's buttons for the system's camera, passing its facing mode on
  // as their inputs' `capture`; with none set that attribute is left out (Dashboard AddFiles maps only '' to
  // 'environment'), and the phone offers its file picker first. The camera is what the person asked for.
  const opts = (dashboard as unknown as { opts: Record<string, unknown> }).opts;
  if ((opts.showNativePhotoCameraButton || opts.showNativeVideoCameraButton) && !opts.nativeCameraFacingMode)
    dashboard.setOptions({ nativeCameraFacingMode: 'environment' } as never);
}
