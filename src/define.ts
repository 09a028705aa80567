/**
 * Registers <signet-uploader>. The only module with that side effect; `signet-upload` itself defines nothing.
 * `<signet-advanced-options>` is registered by the uploader when it first shows the panel (it loads with it).
 */
import type { SignetAdvancedOptions } from './options/advanced-options.js';
import { SignetUploader } from './uploader/uploader.js';

if (!customElements.get('signet-uploader')) customElements.define('signet-uploader', SignetUploader);

declare global {
  interface HTMLElementTagNameMap {
    'signet-uploader': SignetUploader;
    'signet-advanced-options': SignetAdvancedOptions;
  }
}

export { SignetUploader };
