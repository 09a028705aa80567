// Helpers for the Cloudinary widget's browser tests: a widget made through the global API, pointed at the test
// server, recording what its callback hears; destroyed after each test.
import { afterEach, expect } from 'vitest';
import type { WidgetError, WidgetResult } from '../../src/cloudinary-widget/events.js';
import { cloudinaryGlobal } from '../../src/cloudinary-widget/global.js';
import type { CloudinaryUploadWidget } from '../../src/cloudinary-widget/instance.js';
import type { UploadParams } from '../../src/protocol/params.js';
import { bytes, choose, pressUpload, server, signWithServer } from '../helpers/browser.js';

export const api = cloudinaryGlobal();

export interface Heard {
  widget: CloudinaryUploadWidget;
  /** Every `(error, result)` the callback got, in order. */
  calls: [WidgetError | null, WidgetResult][];
  /** The event names heard so far. */
  events(): string[];
  /** The info of each `name` event so far. */
  infos<T = Record<string, unknown>>(name: string): T[];
}

const made: CloudinaryUploadWidget[] = [];
afterEach(async () => {
  for (const widget of made.splice(0)) await widget.destroy({ removeThumbnails: true });
});

/** The test server's account, its Upload API, and a signing function as Cloudinary's guide writes one. */
export function account(): Record<string, unknown> {
  const { url, cloudName, apiKey } = server();
  return { cloudName, apiKey, uploadUrl: url, uploadSignature: signingFunction() };
}

/** `uploadSignature(callback, paramsToSign)`: the page's endpoint (here the server's /api/sign) signs them. */
export function signingFunction(seen: Record<string, unknown>[] = []) {
  return (callback: (signature: string) => void, params: Record<string, unknown>) => {
    seen.push(params);
    void signWithServer(params as UploadParams).then((signed) => callback(signed.signature));
  };
}

export function create(
  options: Record<string, unknown>,
  how: 'create' | 'open' | { apply: HTMLElement } = 'create',
): Heard {
  const calls: Heard['calls'] = [];
  const callback = (error: WidgetError | null, result: WidgetResult) => calls.push([error, result]);
  const widget =
    how === 'create'
      ? api.createUploadWidget(options, callback)
      : how === 'open'
        ? api.openUploadWidget(options, callback)
        : api.applyUploadWidget(how.apply, options, callback);
  made.push(widget);
  return {
    widget,
    calls,
    events: () => calls.map(([, result]) => result.event),
    infos: <T>(name: string) => calls.filter(([, r]) => r.event === name).map(([, r]) => r.info as T),
  };
}

export const file = (name: string, size = 300, seed = 1, type = '') => new File([bytes(size, seed)], name, { type });

/** Chooses files in the widget's element and presses Upload; resolves once `queues-end` was heard. */
export async function upload(heard: Heard, files: File[]): Promise<void> {
  const el = heard.widget.element;
  await el.ready;
  const ends = heard.events().filter((e) => e === 'queues-end').length;
  choose(el, files);
  await pressUpload(el);
  await expect.poll(() => heard.events().filter((e) => e === 'queues-end').length, { timeout: 20_000 }).toBe(ends + 1);
}

/** A real PNG of `width`×`height`, drawn by the browser. */
export async function png(name: string, width = 30, height = 20): Promise<File> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.fillStyle = '#3a7';
  context.fillRect(0, 0, width, height);
  return new File([await canvas.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' });
}

/** The bytes a delivery URL serves. */
export async function delivered(url: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}
