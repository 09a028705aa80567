/**
 * The remote sources (Web URL, Dropbox), loaded only when `sources` names them: their plugins, their CSS and the
 * provider views they pull in are a chunk of their own. Files from them are fetched by Companion on the server.
 */
import type { Body, Meta, Uppy } from '@uppy/core';
import providerViewsCss from '@uppy/core/provider-views/css/style.min.css?inline';
import urlCss from '@uppy/url/css/style.min.css?inline';
import { UploadError } from '../errors.js';
import { fromCompanionError } from './remote-upload.js';

export type RemoteSource = 'url' | 'dropbox';

let sheet: CSSStyleSheet | undefined;

export interface RemoteSourcesOptions {
  companionUrl: string;
  /** The Url plugin's strings, in our words. */
  strings: Record<string, string>;
  /** The server refused a link before any file joined the queue. */
  onImportRefused(subject: string, error: UploadError): void;
}

export async function installRemoteSources(
  uppy: Uppy<Meta, Body>,
  root: ShadowRoot,
  sources: readonly RemoteSource[],
  { companionUrl, strings, onImportRefused }: RemoteSourcesOptions,
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
      uppy.use(Url, { companionUrl, locale: { strings } });
      reportRefusedLinks(uppy.getPlugin('Url') as unknown as UrlInternals, strings, onImportRefused);
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
  strings: RemoteSourcesOptions['strings'],
  onImportRefused: RemoteSourcesOptions['onImportRefused'],
): void {
  const getMeta = plugin.getMeta;
  plugin.getMeta = async (url: string) => {
    try {
      return await getMeta(url);
    } catch (cause) {
      const error = linkError(fromCompanionError(cause), strings);
      onImportRefused(url, error);
      throw error;
    }
  };
}

/** A malformed link and an unexplained failure get the Url plugin's strings (ours); coded refusals keep their code. */
function linkError(error: UploadError, strings: RemoteSourcesOptions['strings']): UploadError {
  const words =
    error.code === 'BAD_REQUEST' ? strings.enterCorrectUrl : error.code === 'INTERNAL' ? strings.failedToFetch : '';
  return words ? new UploadError(error.code, words, { cause: error, status: error.status }) : error;
}
