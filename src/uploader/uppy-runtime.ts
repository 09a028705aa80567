/**
 * Everything heavy, loaded on demand by UppyController: Uppy core, the Dashboard and their CSS. Keeping it out of
 * the element's module is what lets a page show <signet-uploader> with a small eager script.
 */
import Uppy, { type Body, type Meta, type UppyFile } from '@uppy/core';
import coreCss from '@uppy/core/css/style.min.css?inline';
import dashboardCss from '@uppy/dashboard/css/style.min.css?inline';
import type { UploadBackend } from '../backends/backend.js';
import { CloudinaryBackend, type CloudinaryBackendOptions } from '../backends/cloudinary.js';
import type { RetryWait } from '../backends/retry.js';
import type { Signer } from '../backends/signer.js';
import { resumeScopeOf } from '../backends/unfinished.js';
import type { UploadError } from '../errors.js';
import type { SignetLocale } from '../locales/en.js';
import { loadUppyLocale, type UppyLocale } from '../locales/index.js';
import type { UploadParams } from '../protocol/params.js';
import { type EarlyPick, filesOf, SlicedAdder } from './add-files.js';
import type { CropGate, CropOptions } from './crop.js';
import { coordinatesFor } from './crop-box.js';
import { type DownscaleOptions, installDownscaler } from './downscale.js';
import type { RemoteSource } from './remote-sources.js';
import { resultsStyles } from './results-view.js';
import { bridgeExternalForms, ShadowDashboard } from './shadow-dashboard.js';
import { installMetadataStripper } from './strip-metadata.js';
import { SignetUploadPlugin } from './upload-plugin.js';
import { uppyThemeStyles } from './uppy-theme.js';

// Loaded with Uppy, so the element's eager part does not carry them: the outcome tracker and the results' lines.
export { OutcomeTracker } from './outcomes.js';
export { resultsView } from './results-view.js';

export interface RuntimeRestrictions {
  maxNumberOfFiles: number | null;
  maxFileSize: number | null;
  allowedFileTypes: string[] | null;
  /** What the drop zone says it accepts (types, size, count). */
  note: string;
}

export type Theme = 'light' | 'dark' | 'auto';

/** What Uppy follows while it runs, as the element's attributes change. */
export interface RuntimeSettings {
  restrictions: RuntimeRestrictions;
  /** Our strings; Uppy's come from its published pack for the same language (locales/index.ts). */
  locale: SignetLocale;
  direction: 'ltr' | 'rtl';
  theme: Theme;
}

export interface RuntimeOptions {
  root: ShadowRoot;
  target: HTMLElement;
  /** Pixels, or a CSS length (the dialog's drop zone leaves room for the options and the results). */
  height: number | string;
  settings: RuntimeSettings;
  /** Whether the person may pick, drop and paste files from their device. */
  localFiles: boolean;
  /** The device's camera as a source (camera.ts; loaded only then). */
  camera: boolean;
  /** Sources besides the local device, in tab order; loaded only when listed. */
  remoteSources: readonly RemoteSource[];
  companionUrl: string;
  /** The page's own backend (the element's `backend`), if it set one. */
  getBackend(): UploadBackend | undefined;
  /** The default backend's settings as they are now (the Cloudinary Upload API; built here, so it loads with Uppy). */
  defaultBackend(): CloudinaryBackendOptions;
  /** Whether photos lose their location and device metadata before upload (strip-metadata.ts). */
  stripMetadata(): boolean;
  /** Photos open in an editor to be cropped before upload (`crop`; crop.ts, loaded only then), else null. */
  crop: (() => CropOptions) | null;
  /** Photos larger than these are made smaller before upload (downscale.ts). */
  downscale(): DownscaleOptions | null;
  /** A failed request waits to be tried again: offline, or its backoff (the summary says so). */
  onWait(wait: RetryWait | null): void;
  getParams(file: UppyFile<Meta, Body>, index: number, count: number): UploadParams;
  localize(error: UploadError): UploadError;
  /** A chosen file failed the browser-side checks before its upload: it leaves the queue, its message stays. */
  onRefused(file: UppyFile<Meta, Body>, error: UploadError): void;
  /** A link (or a provider's file) the server refused to import, in our words; nothing joined the queue. */
  onImportRefused(subject: string, error: UploadError): void;
  /** Called before files join the queue and before a run starts; false refuses them. */
  admit(count: number): boolean;
  /** Offer a folder picker besides the file picker. */
  folderSelect: boolean;
  /** Direct-to-S3 uploads through a Signet server instead of the Upload API (loaded only when set). */
  s3?: {
    serverUrl: string;
    sign: Signer;
    resourceType: 'auto' | 'image' | 'video' | 'raw';
    headers?: () => Record<string, string>;
  };
}

export interface UppyRuntime {
  uppy: Uppy<Meta, Body>;
  dashboard: ShadowDashboard<Meta, Body>;
  /** Adds what the light drop zone took (drop-zone.ts), as the Dashboard adds a pick or a drop. */
  addEarly(pick: EarlyPick): Promise<void>;
  /** Applies what changed (limits, words, direction, colours); resolves once the words are in. */
  update(settings: RuntimeSettings): Promise<void>;
  destroy(): void;
}

let sheet: CSSStyleSheet | undefined;

/** Uppy's CSS as one constructable sheet, shared by every instance on the page. */
export function uppyStyleSheet(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(`${coreCss}\n${dashboardCss}`);
  }
  return sheet;
}

/** What iPhones take (by type, or by name where the browser gives no type). */
function isHeic(file: File): boolean {
  return /^image\/hei[cf](-sequence)?$/.test(file.type) || (!file.type && /\.hei[cf]$/i.test(file.name));
}

function uppyRestrictions({ note: _note, ...restrictions }: RuntimeRestrictions) {
  return restrictions;
}

export async function createRuntime(options: RuntimeOptions): Promise<UppyRuntime> {
  const { root, settings } = options;
  const locale: UppyLocale = await loadUppyLocale(settings.locale);
  const sheets = [uppyStyleSheet(), uppyThemeStyles.styleSheet, resultsStyles.styleSheet].filter(
    (sheet): sheet is CSSStyleSheet => sheet !== undefined && !root.adoptedStyleSheets.includes(sheet),
  );
  if (sheets.length) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...sheets];
  const unbridge = bridgeExternalForms(root);
  let applied: RuntimeSettings = { ...settings };
  // Set right after the Dashboard is installed, before anything can add a file.
  let adder!: SlicedAdder;
  let cropGate: CropGate | undefined;
  const uppy: Uppy<Meta, Body> = new Uppy<Meta, Body>({
    autoProceed: false,
    restrictions: uppyRestrictions(settings.restrictions),
    // One locale for Uppy and every plugin (a plugin's own `locale` would be lost when the language changes).
    locale,
    // A pick added in slices was admitted as a whole (add-files.ts); asking again per file would count the files
    // each time (getFiles), quadratic at 10,000.
    onBeforeFileAdded: (): boolean => adder.admitted || options.admit(uppy.getFiles().length + 1),
    onBeforeUpload: (files): boolean =>
      options.admit(Object.keys(files).length) && (cropGate?.admit(Object.keys(files)) ?? true),
  });
  uppy.use(ShadowDashboard, {
    target: options.target, // an Element: Uppy resolves selector strings against `document`, not our shadow root
    // Always inline: `mode="modal"` is the element's own <dialog> around it (top layer, no change to <body>).
    inline: true,
    height: options.height,
    width: '100%',
    proudlyDisplayPoweredByUppy: false,
    // Its toasts fade after seconds and repeat each message in two alerts; outcomes go to the element's results.
    disableInformer: true,
    // Uppy reads `dir` from the target's ancestors, which stop at our shadow root: the element tells it.
    direction: settings.direction,
    // `auto` is resolved by Uppy itself, from the same media query as the element's colours.
    theme: settings.theme,
    note: settings.restrictions.note || null,
    disableLocalFiles: !options.localFiles,
    // The seed: "choose files" selects files only; folders come by drag and drop, or by an opt-in picker.
    fileManagerSelectionType: options.folderSelect ? 'both' : 'files',
  });
  const dashboard = uppy.getPlugin('Dashboard') as unknown as ShadowDashboard<Meta, Body>;
  // HEIC photos become JPEG as they are chosen (heic.ts, loaded only then), unless `accept` names HEIC.
  const keepsHeic = () =>
    applied.restrictions.allowedFileTypes?.some((type) => /^(image\/hei[cf]|\.hei[cf])$/i.test(type));
  // The picker, drops and pastes all end in the Dashboard's addFiles: in slices, so 10,000 files never freeze the page.
  // At once: the Dashboard is on screen from here, before the sources below have loaded.
  adder = new SlicedAdder(uppy, dashboard.id, options.admit, (files) =>
    !keepsHeic() && files.some(isHeic)
      ? import('./heic.js').then(({ convertHeic }) => convertHeic(files, isHeic))
      : null,
  );
  dashboard.addFiles = (files) => void adder.add(files);
  // A photo saved in the editor just now is still being encoded: the steps below read the cropped image.
  uppy.addPreProcessor(async (fileIDs) => cropGate?.settled(fileIDs));
  // Before the backends' own preprocessing (the S3 start sizes its parts from the file as it will be sent).
  installMetadataStripper(uppy, options.stripMetadata);
  installDownscaler(uppy, {
    limits: options.downscale,
    words: () => ({ ...applied.locale.photos, language: applied.locale.language }),
    refuse: options.onRefused,
  });
  // A cropped photo goes with its region (crop-box.ts says why it is the whole image sent).
  const getParams: RuntimeOptions['getParams'] = (file, index, count) => {
    const params = options.getParams(file, index, count);
    const custom_coordinates = coordinatesFor(file);
    return custom_coordinates ? { ...params, custom_coordinates } : params;
  };
  if (options.s3) {
    // The browser sends the bytes to the bucket; the server presigns every request and registers the file.
    const { installS3Backend } = await import('../backends/s3.js');
    installS3Backend(uppy, { ...options.s3, params: getParams, resumeScope: () => resumeScopeOf(options) });
  } else {
    uppy.use(SignetUploadPlugin, {
      getBackend: () => options.getBackend() ?? new CloudinaryBackend(options.defaultBackend()),
      getParams,
      localize: options.localize,
      onRefused: options.onRefused,
      resumeScope: () => resumeScopeOf(options),
      onWait: options.onWait,
      limit: 3,
    });
  }
  if (options.camera) {
    const { installCamera } = await import('./camera.js');
    installCamera(uppy, root, dashboard as never, settings.restrictions.allowedFileTypes);
  }
  if (options.crop) {
    const { installCrop } = await import('./crop.js');
    cropGate = installCrop(uppy, root, dashboard as never, {
      options: options.crop,
      boxLabel: () => applied.locale.photos.cropBox,
    });
  }
  if (options.remoteSources.length) {
    const { installRemoteSources } = await import('./remote-sources.js');
    await installRemoteSources(uppy, root, options.remoteSources, {
      companionUrl: options.companionUrl,
      words: () => applied.locale.remote,
      localize: options.localize,
      onImportRefused: options.onImportRefused,
    });
  }
  const addEarly = async (pick: EarlyPick) => adder.add(await filesOf(pick));
  let restrictionsKey = JSON.stringify(settings.restrictions);
  return {
    uppy,
    dashboard,
    addEarly,
    update: async (next) => {
      const key = JSON.stringify(next.restrictions);
      if (key !== restrictionsKey) {
        restrictionsKey = key;
        uppy.setOptions({ restrictions: uppyRestrictions(next.restrictions) });
        dashboard.setOptions({ note: next.restrictions.note || null });
      }
      if (next.theme !== applied.theme) dashboard.setOptions({ theme: next.theme });
      if (next.direction !== applied.direction) {
        // Uppy sets `dir` on its root once, when it mounts.
        dashboard.setOptions({ direction: next.direction });
        (dashboard as unknown as { el: HTMLElement | null }).el?.setAttribute('dir', next.direction);
      }
      const wordsChanged = next.locale !== applied.locale;
      applied = { ...next };
      if (wordsChanged) {
        const wanted = next.locale;
        const loaded = await loadUppyLocale(wanted);
        if (applied.locale !== wanted) return;
        uppy.setOptions({ locale: loaded });
      }
    },
    destroy: () => {
      uppy.destroy();
      unbridge();
    },
  };
}
