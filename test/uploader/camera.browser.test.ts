// Issue 19, the camera source: `sources="local camera"` adds a Camera tab (Uppy's webcam plugin in our shadow root);
// with Chromium's fake camera (a moving test pattern, allowed without a prompt) a person takes a photo, keeps it,
// and it uploads as a JPEG the server measures. Nothing of the camera loads unless it is listed.
import { afterEach, expect, test } from 'vitest';
import { mount, next, pressUpload } from '../helpers/browser.js';

const mounted: HTMLElement[] = [];
afterEach(() => {
  for (const el of mounted.splice(0)) el.remove();
});

const find = (el: HTMLElement, selector: string) => el.shadowRoot?.querySelector<HTMLElement>(selector) ?? null;

test('a photo taken with the camera tab joins the queue and uploads as a JPEG', async () => {
  const el = await mount({ sources: 'local camera', accept: 'image/*' });
  mounted.push(el);
  const tab = () => find(el, '[data-uppy-acquirer-id="Webcam"] button');
  await expect.poll(() => tab()?.textContent?.trim()).toBe('Camera');
  tab()?.click();
  // The fake camera's stream plays in the panel, and the snapshot button is enabled.
  await expect
    .poll(() => ((find(el, '.uppy-Webcam-video') as HTMLVideoElement | null)?.videoWidth ?? 0) > 0, { timeout: 20_000 })
    .toBe(true);
  await expect
    .poll(() => (find(el, '.uppy-Webcam-button--picture') as HTMLButtonElement | null)?.disabled, { timeout: 20_000 })
    .toBe(false);
  // Only photos: `accept` says images, so there is no record button and no recording clock.
  expect(el.shadowRoot?.querySelectorAll('.uppy-Webcam-button').length).toBe(1);
  expect(find(el, '.uppy-Webcam-recordingLength')?.textContent).toBe('');
  find(el, '.uppy-Webcam-button--picture')?.click();
  await expect.poll(() => find(el, '.uppy-Webcam-button--submit')).not.toBeNull();
  find(el, '.uppy-Webcam-button--submit')?.click();
  await expect.poll(() => el.uppy?.getFiles().length).toBe(1);
  const [file] = el.uppy?.getFiles() ?? [];
  expect(file?.type).toBe('image/jpeg');

  const success = next(el, 'signet-upload-success');
  await pressUpload(el);
  const { response } = await success;
  expect(response.format).toBe('jpg');
  expect(response.width).toBeGreaterThan(0);
  expect(response.height).toBeGreaterThan(0);
});

test('without `camera` in `sources` there is no camera tab', async () => {
  const el = await mount({ sources: 'local' });
  mounted.push(el);
  expect(find(el, '[data-uppy-acquirer-id="Webcam"]')).toBeNull();
});
