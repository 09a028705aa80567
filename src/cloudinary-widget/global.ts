/**
 * The drop-in for Cloudinary's Upload Widget: the same initialization functions as its all.js, so a page written
 * for it only swaps the script URL (and sets `uploadUrl` when self-hosting). The script-tag builds install them as
 * `window.cloudinary` through stub.ts, which loads this module on the first call; `signet-upload` and
 * `signet-upload/define` never load it.
 */
import type { WidgetCallback } from './events.js';
import { CloudinaryUploadWidget, type GlobalDefaults } from './instance.js';
import { resolveElement } from './page.js';
import { WIDGET_SOURCES } from './stub.js';

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

declare global {
  interface Window {
    cloudinary?: CloudinaryGlobal;
  }
}
