/**
 * The script-tag builds' entry (dist/signet-uploader.iife.js, dist/embed/signet-uploader.js): defines the elements
 * (define.ts) and installs `window.cloudinary`, the drop-in for Cloudinary's Upload Widget (cloudinary-widget/, loaded
 * on its first call).
 * Bundler users import `signet-upload/define` instead, which installs no global.
 */
import { installCloudinaryGlobal } from './cloudinary-widget/stub.js';

export * from './define.js';

if (typeof window !== 'undefined') installCloudinaryGlobal(window);
