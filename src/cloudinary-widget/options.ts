/**
 * Cloudinary's Upload Widget options, as pages pass them to `cloudinary.createUploadWidget(options, callback)`, and
 * how each one is honoured here: on <signet-uploader> (its properties), by the frame around it (frame.ts), on the
 * page (page.ts), by the backend (signing.ts), or not at all (reported once in the console by name).
 */
import type { SignetUploader } from '../uploader/uploader.js';

/** `(callback, paramsToSign)`: the page asks its server for a signature and calls back with it. */
export type SignatureFunction = (
  callback: (answer: PreparedAnswer | string) => void,
  paramsToSign: ParamsToSign,
) => void;

/** What Cloudinary hands a signing function: the snake_case parameters of one upload, `source` and `timestamp` included. */
export type ParamsToSign = Record<string, string | number>;

/** What `prepareUploadParams` (or a signing function) may call back with, per Cloudinary's list. */
export interface PreparedAnswer {
  signature?: string;
  apiKey?: string;
  uploadSignatureTimestamp?: number;
  publicId?: string;
  folder?: string;
  tags?: string[] | string;
  context?: Record<string, string> | string;
  uploadPreset?: string;
  useFilename?: boolean;
  uniqueFilename?: boolean;
  resourceType?: ResourceType;
  cancel?: boolean;
  [other: string]: unknown;
}

export type ResourceType = 'auto' | 'image' | 'video' | 'raw';

export interface Palette {
  window?: string;
  windowBorder?: string;
  tabIcon?: string;
  menuIcons?: string;
  textDark?: string;
  textLight?: string;
  link?: string;
  action?: string;
  inactiveTabIcon?: string;
  error?: string;
  inProgress?: string;
  complete?: string;
  sourceBg?: string;
}

export interface WidgetStyles {
  palette?: Palette;
  frame?: { background?: string };
  /** `{"<css family>": "<font URL>"}`: the family is used, the URL is not fetched (load fonts in the page). */
  fonts?: Record<string, string>;
}

/** Per-language string overrides in Cloudinary's text.json shape: `{en: {queue: {title: '…'}}}`. */
export type TextOption = Record<string, TextTree>;
export interface TextTree {
  [key: string]: string | TextTree;
}

/** The options this layer reads, after `normalize` (camelCase). Anything else is reported as unsupported. */
export interface WidgetOptions {
  cloudName?: string;
  apiKey?: string;
  uploadPreset?: string;
  uploadSignature?: string | SignatureFunction;
  uploadSignatureTimestamp?: number;
  prepareUploadParams?: (
    callback: (answer: PreparedAnswer | PreparedAnswer[] | string) => void,
    params: ParamsToSign,
  ) => void;
  sources?: string[];
  defaultSource?: string;
  multiple?: boolean;
  maxFiles?: number;
  maxFileSize?: number;
  clientAllowedFormats?: string[];
  maxChunkSize?: number;
  maxImageWidth?: number;
  maxImageHeight?: number;
  minImageWidth?: number;
  minImageHeight?: number;
  validateMaxWidthHeight?: boolean;
  cropping?: boolean;
  croppingAspectRatio?: number;
  /** false: no photo goes uncropped (the element's `crop-required`). */
  showSkipCropButton?: boolean;
  /** Only `custom` (a cropped photo's region goes as `custom_coordinates`); `face` is reported. */
  croppingCoordinatesMode?: string;
  resourceType?: ResourceType;
  folder?: string;
  tags?: string[];
  publicId?: string;
  context?: Record<string, string>;
  showAdvancedOptions?: boolean;
  getTags?: (callback: (tags: string[]) => void, prefix: string) => void;
  getUploadPresets?: (callback: (presets: string[]) => void) => void;
  preBatch?: (callback: (verdict?: { cancel?: boolean }) => void, data: { files: BatchFile[] }) => void;
  inlineContainer?: string | HTMLElement;
  form?: string | HTMLFormElement;
  fieldName?: string;
  thumbnails?: string | HTMLElement | false;
  buttonCaption?: string;
  buttonClass?: string;
  text?: TextOption;
  language?: string;
  styles?: WidgetStyles;
  showCompletedButton?: boolean;
  showUploadMoreButton?: boolean;
  autoMinimize?: boolean;
  singleUploadAutoClose?: boolean;
  queueViewPosition?: string;
  /** Ours: the Upload API's base URL, for a self-hosted Signet server (Cloudinary's by default). */
  uploadUrl?: string;
  /** Ours: Companion for the `url` and `dropbox` sources (default `<uploadUrl>/companion`). */
  companionUrl?: string;
  /** With an "Invalid signature" answer, show the string the server expected beside what was asked to be signed. */
  debug?: boolean;
  [other: string]: unknown;
}

export interface BatchFile {
  name: string;
  size: number;
  type: string;
}

/** Options this layer honours (README "Coming from Cloudinary's widget" lists where each one goes). */
const SUPPORTED = new Set<string>([
  'cloudName',
  'apiKey',
  'uploadPreset',
  'uploadSignature',
  'uploadSignatureTimestamp',
  'prepareUploadParams',
  'sources',
  'defaultSource',
  'multiple',
  'maxFiles',
  'maxFileSize',
  'clientAllowedFormats',
  'maxChunkSize',
  'maxImageWidth',
  'maxImageHeight',
  'minImageWidth',
  'minImageHeight',
  'validateMaxWidthHeight',
  'cropping',
  'croppingAspectRatio',
  'showSkipCropButton',
  'croppingCoordinatesMode',
  'resourceType',
  'folder',
  'tags',
  'publicId',
  'context',
  'showAdvancedOptions',
  'getTags',
  'getUploadPresets',
  'preBatch',
  'inlineContainer',
  'form',
  'fieldName',
  'thumbnails',
  'buttonCaption',
  'buttonClass',
  'text',
  'language',
  'styles',
  'showCompletedButton',
  'autoMinimize',
  'singleUploadAutoClose',
  'queueViewPosition',
  'uploadUrl',
  'companionUrl',
  'debug',
]);

/**
 * Accepted and without effect, because the widget already behaves so or the option concerns Cloudinary's own
 * hosting: HTTPS follows `uploadUrl`; no "Powered by" mark, analytics or iframe exist; the frame is a native
 * <dialog> in the top layer (no z-index or viewport rewrite needed); "Upload more" is always offered.
 */
const WITHOUT_EFFECT = new Set<string>([
  'secure',
  'showPoweredBy',
  'cloudinaryAnalytics',
  'frameZIndex',
  'controlVpMeta',
  'widgetHost',
  'widgetVersion',
  'dev',
  'staging',
  'showInsecurePreview',
  'showUploadMoreButton',
]);

/** The sources <signet-uploader> offers; Cloudinary's others (image search, stock sites …) are reported. */
export const SOURCES = ['local', 'camera', 'url', 'dropbox'] as const;

/**
 * Cloudinary's loader accepts snake_case names too (`cloud_name`, `upload_preset`) and turns them into camelCase;
 * so does this, one level deep, as it does.
 */
export function normalize(raw: Record<string, unknown> | null | undefined): WidgetOptions {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    const name = key.indexOf('_') > 0 ? key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : key;
    options[name] = value;
  }
  return options as WidgetOptions;
}

/**
 * What this widget cannot do of the options given, by name: options it does not know, and values of known ones it
 * cannot honour (`sources: camera`). Fonts and texts are checked where they are mapped (styles.ts, text.ts).
 */
export function unsupported(options: WidgetOptions): string[] {
  const names = Object.keys(options).filter(
    (name) => options[name] !== undefined && !SUPPORTED.has(name) && !WITHOUT_EFFECT.has(name),
  );
  const sources = (options.sources ?? []).filter((s) => !(SOURCES as readonly string[]).includes(s));
  if (sources.length) names.push(`sources: ${sources.join(', ')}`);
  if (options.showUploadMoreButton === false) names.push('showUploadMoreButton: false');
  const coordinates = options.croppingCoordinatesMode;
  if (coordinates !== undefined && coordinates !== 'custom') names.push(`croppingCoordinatesMode: ${coordinates}`);
  return names;
}

/** The element's properties for these options (functions and styles are applied by instance.ts). */
export type ElementSettings = Partial<
  Pick<
    SignetUploader,
    | 'cloudName'
    | 'apiKey'
    | 'uploadUrl'
    | 'companionUrl'
    | 'multiple'
    | 'maxFiles'
    | 'maxFileSize'
    | 'maxImageWidth'
    | 'maxImageHeight'
    | 'minImageWidth'
    | 'minImageHeight'
    | 'validateDimensions'
    | 'crop'
    | 'cropAspectRatio'
    | 'cropRequired'
    | 'accept'
    | 'resourceType'
    | 'sources'
    | 'showAdvancedOptions'
    | 'showUploadPreset'
    | 'publicId'
    | 'folder'
    | 'tags'
    | 'context'
    | 'uploadPreset'
    | 'locale'
    | 'existingAsSuccess'
  >
>;

export const CLOUDINARY_API = 'https://api.cloudinary.com';

export function elementSettings(options: WidgetOptions): ElementSettings {
  const uploadUrl = options.uploadUrl || CLOUDINARY_API;
  const settings: ElementSettings = {
    uploadUrl,
    // Cloudinary's default is several files; an asset that existed is a `success` there too (`existing: true`).
    multiple: options.multiple !== false,
    existingAsSuccess: true,
    sources: sourcesFor(options.sources, uploadUrl),
    showAdvancedOptions: options.showAdvancedOptions === true,
    showUploadPreset: options.showAdvancedOptions === true && typeof options.getUploadPresets === 'function',
    accept: acceptFor(options.clientAllowedFormats),
    resourceType: options.resourceType ?? 'auto',
    locale: options.language ?? '',
    maxFiles: options.maxFiles ?? 0,
    maxFileSize: options.maxFileSize ?? 0,
    maxImageWidth: options.maxImageWidth ?? 0,
    maxImageHeight: options.maxImageHeight ?? 0,
    minImageWidth: options.minImageWidth ?? 0,
    minImageHeight: options.minImageHeight ?? 0,
    validateDimensions: options.validateMaxWidthHeight === true,
    crop: options.cropping === true,
    cropAspectRatio:
      typeof options.croppingAspectRatio === 'number' && options.croppingAspectRatio > 0
        ? String(options.croppingAspectRatio)
        : '',
    cropRequired: options.cropping === true && options.showSkipCropButton === false,
  };
  const text = (key: 'cloudName' | 'apiKey' | 'companionUrl' | 'publicId' | 'folder' | 'uploadPreset') => {
    const value = options[key];
    if (typeof value === 'string') settings[key] = value;
  };
  for (const key of ['cloudName', 'apiKey', 'companionUrl', 'publicId', 'folder', 'uploadPreset'] as const) text(key);
  if (Array.isArray(options.tags)) settings.tags = options.tags.map(String);
  if (options.context && typeof options.context === 'object') settings.context = { ...options.context };
  return settings;
}

/**
 * Cloudinary shows every source by default. Against Cloudinary's own API there is no Companion of ours, so only the
 * device; against a Signet server the remote tabs too (the element narrows them to what the server serves). The
 * camera is asked for by name (`sources: ['local', 'camera']`): a default should not ask for camera access.
 */
function sourcesFor(sources: readonly string[] | undefined, uploadUrl: string): string {
  const wanted = sources ?? (uploadUrl === CLOUDINARY_API ? ['local'] : ['local', 'url', 'dropbox']);
  return wanted.filter((s) => (SOURCES as readonly string[]).includes(s)).join(' ');
}

/** Format groups Cloudinary accepts besides extensions, and the extensions that name the same format. */
const GROUPS: Record<string, string> = { image: 'image/*', video: 'video/*', audio: 'audio/*' };
const SAME_FORMAT: Record<string, string> = { jpg: 'jpeg', jpeg: 'jpg', tif: 'tiff', tiff: 'tif' };

/** `clientAllowedFormats: ['png', 'jpg', 'video']` → `.png,.jpg,.jpeg,video/*` for the element's `accept`. */
export function acceptFor(formats: readonly string[] | undefined): string {
  const accepted = new Set<string>();
  for (const raw of formats ?? []) {
    const format = String(raw).trim().toLowerCase().replace(/^\./, '');
    if (!format) continue;
    const group = GROUPS[format];
    if (group) accepted.add(group);
    else {
      accepted.add(`.${format}`);
      const alias = SAME_FORMAT[format];
      if (alias) accepted.add(`.${alias}`);
    }
  }
  return [...accepted].join(',');
}

/** Cloudinary's callback-style `getTags(cb, prefix)` as the element's `getTags(prefix)`. */
export function tagsProvider(getTags: NonNullable<WidgetOptions['getTags']>) {
  return (prefix: string): Promise<readonly string[]> =>
    new Promise((resolve) => getTags((tags) => resolve(Array.isArray(tags) ? tags.map(String) : []), prefix));
}

/** Cloudinary's `getUploadPresets(cb)` as the element's `getUploadPresets()`. */
export function presetsProvider(getUploadPresets: NonNullable<WidgetOptions['getUploadPresets']>) {
  return (): Promise<readonly string[]> =>
    new Promise((resolve) => getUploadPresets((presets) => resolve(Array.isArray(presets) ? presets.map(String) : [])));
}
