/** Registers <signet-uploader>. The only module with that side effect; `signet-upload` itself defines nothing. */
import { SignetAdvancedOptions } from './options/advanced-options.js';
import { SignetUploader } from './uploader/uploader.js';

if (!customElements.get('signet-advanced-options'))
  customElements.define('signet-advanced-options', SignetAdvancedOptions);
if (!customElements.get('signet-uploader')) customElements.define('signet-uploader', SignetUploader);

declare global {
  interface HTMLElementTagNameMap {
    'signet-uploader': SignetUploader;
    'signet-advanced-options': SignetAdvancedOptions;
  }
}

export { SignetAdvancedOptions, SignetUploader };
