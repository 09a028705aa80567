/**
 * `window.cloudinary` as the script-tag builds install it: the same functions as global.ts, answered at once, with the
 * drop-in itself (about 7 KiB) loaded on the first call. A page that never calls them never loads it (the embed's
 * eager part stays small); a widget created meanwhile takes every call and replays it in order once loaded.
 * What Cloudinary's widget refuses synchronously (an element or container that names nothing) is refused here too.
 */
import type { WidgetCallback } from './events.js';
import type { CloudinaryGlobal } from './global.js';
import type { CloudinaryUploadWidget } from './instance.js';

type Options = Record<string, unknown>;
type Widget = Pick<
  CloudinaryUploadWidget,
  'open' | 'close' | 'update' | 'hide' | 'show' | 'minimize' | 'destroy' | 'isShowing' | 'isMinimized' | 'isDestroyed'
> & { readonly element: CloudinaryUploadWidget['element'] | undefined };

const named = (target: unknown): boolean =>
  typeof target === 'string' ? document.querySelector(target) !== null : !!(target as Node | null)?.nodeType;

/** Cloudinary's source names (its `cloudinary.WIDGET_SOURCES`), for pages that read them. */
export const WIDGET_SOURCES = { LOCAL: 'local', URL: 'url', CAMERA: 'camera', DROPBOX: 'dropbox' } as const;

/** Adds the widget API to `target.cloudinary`, creating it if absent: an existing object (Cloudinary's core JS SDK
 * defines one) is extended, never replaced. */
export function installCloudinaryGlobal(target: { cloudinary?: object }): object {
  let loaded: Promise<CloudinaryGlobal> | undefined;
  const defaults: [keyof CloudinaryGlobal, string][] = [];
  const load = () => {
    loaded ??= import('./global.js').then(({ cloudinaryGlobal }) => {
      const api = cloudinaryGlobal();
      for (const [name, value] of defaults) (api[name] as (value: string) => void)(value);
      return api;
    });
    return loaded;
  };
  const widget = (create: (api: CloudinaryGlobal) => CloudinaryUploadWidget): Widget => {
    let real: CloudinaryUploadWidget | undefined;
    let destroyed = false;
    const ready = load().then((api) => {
      real = create(api);
      return real;
    });
    const later =
      <K extends 'open' | 'close' | 'hide' | 'show' | 'minimize'>(name: K) =>
      (...args: Parameters<CloudinaryUploadWidget[K]>): Widget => {
        void ready.then((w) => (w[name] as (...a: typeof args) => unknown)(...args));
        return stub;
      };
    const stub: Widget = {
      open: later('open'),
      close: later('close'),
      hide: later('hide'),
      show: later('show'),
      minimize: later('minimize'),
      update: async (options) => {
        await (await ready).update(options);
        return stub as unknown as CloudinaryUploadWidget;
      },
      destroy: async (opts) => {
        destroyed = true;
        await (await ready).destroy(opts);
      },
      isShowing: () => real?.isShowing() ?? false,
      isMinimized: () => real?.isMinimized() ?? false,
      isDestroyed: () => real?.isDestroyed() ?? destroyed,
      get element() {
        return real?.element;
      },
    } as Widget;
    return stub;
  };
  const api = {
    createUploadWidget: (options: Options, callback?: WidgetCallback) => {
      if (options?.inlineContainer && !named(options.inlineContainer))
        throw new Error(
          "[Cloudinary.UploadWidget]: 'inlineContainer' param must either be a valid HTMLElement or a selector string",
        );
      return widget((real) => real.createUploadWidget(options, callback));
    },
    openUploadWidget: (options: Options, callback?: WidgetCallback) => api.createUploadWidget(options, callback).open(),
    applyUploadWidget: (element: HTMLElement | string, options: Options, callback?: WidgetCallback) => {
      if (!named(element))
        throw new Error("[Cloudinary.UploadWidget]: 'element' param must resolve to a valid HTMLElement");
      return widget((real) => real.applyUploadWidget(element, options, callback));
    },
    setCloudName: (name: string) => {
      defaults.push(['setCloudName', name]);
      void loaded?.then((real) => real.setCloudName(name));
    },
    setAPIKey: (key: string) => {
      defaults.push(['setAPIKey', key]);
      void loaded?.then((real) => real.setAPIKey(key));
    },
    WIDGET_SOURCES,
  };
  const existing = target.cloudinary;
  if (existing && typeof existing === 'object') Object.assign(existing, api);
  else target.cloudinary = api;
  return target.cloudinary as object;
}
