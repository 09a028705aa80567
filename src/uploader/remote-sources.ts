/**
 * The remote sources (Web URL, Dropbox), loaded only when `sources` names them: their plugins, their CSS and the
 * provider views they pull in are a chunk of their own. Files from them are fetched by Companion on the server.
 */
import type { Body, Meta, Uppy } from '@uppy/core';
import providerViewsCss from '@uppy/core/provider-views/css/style.min.css?inline';
import urlCss from '@uppy/url/css/style.min.css?inline';
import { UploadError } from '../errors.js';
import type { SignetLocale } from '../locales/en.js';
import { fromCompanionError } from './remote-upload.js';

export type RemoteSource = 'url' | 'dropbox';

let sheet: CSSStyleSheet | undefined;

export interface RemoteSourcesOptions {
  companionUrl: string;
  /** Our words for links, read when a link is refused (the element's language can change meanwhile). */
  words(): SignetLocale['remote'];
  /** An error in the locale's words for its code. */
  localize(error: UploadError): UploadError;
  /** The server refused a link before any file joined the queue. */
  onImportRefused(subject: string, error: UploadError): void;
}

export async function installRemoteSources(
  uppy: Uppy<Meta, Body>,
  root: ShadowRoot,
  sources: readonly RemoteSource[],
  { companionUrl, ...told }: RemoteSourcesOptions,
): Promise<void> {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(`${providerViewsCss}\n${urlCss}`);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  // Companion answers only the origins it was configured for, and the URL plugin's form lives on <body> (see
  // bridgeExternalForms); the tab order is the order in `sources`.
  for (const source of sources) {
    if (source === 'url') {
      const { default: Url } = await import('@uppy/url');
      // Its words come from Uppy's locale (uppy-runtime.ts): a plugin's own `locale` would outlive a language change.
      uppy.use(Url, { companionUrl });
      reportRefusedLinks(uppy.getPlugin('Url') as unknown as UrlInternals, told);
    } else if (source === 'dropbox') {
      const { default: Dropbox } = await import('@uppy/dropbox');
      uppy.use(Dropbox, { companionUrl });
    }
  }
}

interface UrlInternals {
  getMeta(url: string): Promise<unknown>;
}

/**
 * The Url plugin answers every refusal of `/url/meta` with one fixed toast ("Companion failed to fetch this URL"),
 * whatever the server said. Its `getMeta` is an instance field: wrapped, the server's code reaches the person in our
 * words, with the link it is about; the plugin's own toast then carries this UploadError, which the element skips.
 */
function reportRefusedLinks(
  plugin: UrlInternals,
  { words, localize, onImportRefused }: Omit<RemoteSourcesOptions, 'companionUrl'>,
): void {
  const getMeta = plugin.getMeta;
  plugin.getMeta = async (url: string) => {
    try {
      return await getMeta(url);
    } catch (cause) {
      const error = linkError(localize(fromCompanionError(cause)), words());
      onImportRefused(url, error);
      throw error;
    }
  };
}

/** About a link, a malformed request is a malformed link, and an unexplained failure a link that did not import. */
function linkError(error: UploadError, words: SignetLocale['remote']): UploadError {
  const message =
    error.code === 'BAD_REQUEST' ? words.malformedUrl : error.code === 'INTERNAL' ? words.importFailed : '';
  return message ? new UploadError(error.code, message, { cause: error, status: error.status }) : error;
}
