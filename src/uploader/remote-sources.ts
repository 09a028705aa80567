/**
 * The remote sources (Web URL, Dropbox), loaded only when `sources` names them: their plugins, their CSS and the
 * provider views they pull in are a chunk of their own. Files from them are fetched by Companion on the server.
 */
import type { Body, Meta, Uppy } from '@uppy/core';
import providerViewsCss from '@uppy/core/provider-views/css/style.min.css?inline';
import urlCss from '@uppy/url/css/style.min.css?inline';

export type RemoteSource = 'url' | 'dropbox';

let sheet: CSSStyleSheet | undefined;

export async function installRemoteSources(
  uppy: Uppy<Meta, Body>,
  root: ShadowRoot,
  sources: readonly RemoteSource[],
  companionUrl: string,
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
      uppy.use(Url, { companionUrl });
    } else if (source === 'dropbox') {
      const { default: Dropbox } = await import('@uppy/dropbox');
      uppy.use(Dropbox, { companionUrl });
    }
  }
}
