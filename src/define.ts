/** Registers <signet-uploader>. The only module with that side effect; `signet-upload` itself defines nothing. */
import { SignetUploader } from './uploader/uploader.js';

if (!customElements.get('signet-uploader')) customElements.define('signet-uploader', SignetUploader);

declare global {
  interface HTMLElementTagNameMap {
    'signet-uploader': SignetUploader;
  }
}

export { SignetUploader };
