/**
 * `window.cloudinary` for pages written for Cloudinary's Upload Widget: the same initialization functions as its
 * all.js, so such a page only swaps the script URL (and sets `uploadUrl` when self-hosting). Installed by the
 * script-tag builds only (src/embed.ts); `signet-upload` and `signet-upload/define` never load it. An existing
 * `cloudinary` object (Cloudinary's core JS SDK defines one) is extended, never replaced.
 */
import type { WidgetCallback } from './events.js';
import { CloudinaryUploadWidget, type GlobalDefaults } from './instance.js';
import { resolveElement } from './page.js';

/** Cloudinary's source names (its `cloudinary.WIDGET_SOURCES`), for pages that read them. */
const WIDGET_SOURCES = { LOCAL: 'local', URL: 'url', CAMERA: 'camera', DROPBOX: 'dropbox' } as const;

export interface CloudinaryGlobal {
  createUploadWidget(options: Record<string, unknown>, callback?: WidgetCallback): CloudinaryUploadWidget;
  openUploadWidget(options: Record<string, unknown>, callback?: WidgetCallback): CloudinaryUploadWidget;
  applyUploadWidget(
    element: HTMLElement | string,
    options: Record<string, unknown>,
    callback?: WidgetCallback,
  ): CloudinaryUploadWidget;
  setCloudName(name: string): void;
  setAPIKey(key: string): void;
  WIDGET_SOURCES: typeof WIDGET_SOURCES;
}

export function cloudinaryGlobal(): CloudinaryGlobal {
  const defaults: GlobalDefaults = { cloudName: '', apiKey: '' };
  const api: CloudinaryGlobal = {
    createUploadWidget: (options, callback) => new CloudinaryUploadWidget(options, callback, defaults),
    openUploadWidget: (options, callback) => api.createUploadWidget(options, callback).open(),
    applyUploadWidget: (element, options, callback) => {
      const target = resolveElement(element);
      if (!target?.nodeType)
        throw new Error("[Cloudinary.UploadWidget]: 'element' param must resolve to a valid HTMLElement");
      return new CloudinaryUploadWidget(options, callback, defaults, target);
    },
    setCloudName: (name) => {
      defaults.cloudName = String(name ?? '');
    },
    setAPIKey: (key) => {
      defaults.apiKey = String(key ?? '');
    },
    WIDGET_SOURCES,
  };
  return api;
}

/** Adds the widget API to `target.cloudinary`, creating it if absent. */
export function installCloudinaryGlobal(target: { cloudinary?: object } = globalThis as { cloudinary?: object }) {
  const existing = target.cloudinary;
  const api = cloudinaryGlobal();
  if (existing && typeof existing === 'object') Object.assign(existing, api);
  else target.cloudinary = api;
  return target.cloudinary as CloudinaryGlobal;
}

declare global {
  interface Window {
    cloudinary?: CloudinaryGlobal;
  }
}
