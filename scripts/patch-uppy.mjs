// Patches to installed Uppy packages, each citing the upstream code it changes. Applied after every install
// (package.json postinstall), by setup and again by the build, so every bundle we ship carries them. Idempotent;
// fails loudly when the code it patches is gone, which means upstream changed: re-check the patch, drop it if fixed.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const PATCHES = [
  {
    // @uppy/core 6.3.1, Uppy.#checkAndUpdateFileState: after each file's onBeforeFileAdded it re-copies the whole
    // files map ({ ...existingFiles, ...nextFilesState }), so adding n files copies O(n²) entries: 10,000 files
    // meant 50 million property copies and a frozen page. Introduced by transloadit/uppy#5806 (fixing #5781: a
    // state change made inside onBeforeFileAdded was lost). Merging only when the state really changed keeps
    // that fix and makes the loop linear.
    id: 'uppy-core-linear-add-files',
    file: '@uppy/core/lib/Uppy.js',
    find: `                existingFiles = this.getState().files;
                nextFilesState = { ...existingFiles, ...nextFilesState };`,
    replace: `                // signet-upload patch uppy-core-linear-add-files (scripts/patch-uppy.mjs)
                if (this.getState().files !== existingFiles) {
                    existingFiles = this.getState().files;
                    nextFilesState = { ...existingFiles, ...nextFilesState };
                }`,
  },
  {
    // @uppy/image-editor 5.0.0, Editor.renderGranularRotate: the straightening slider sits in a <label> given
    // role="tooltip" and an aria-label (the angle) so that Uppy's microtip CSS can show the angle on hover; a label
    // may have neither (axe aria-allowed-role), and a screen reader gets no angle from the slider. The angle moves
    // to the slider's aria-valuetext; the hover bubble goes. Checked by test/uploader/crop.browser.test.ts (axe).
    id: 'uppy-image-editor-rotate-label',
    file: '@uppy/image-editor/lib/Editor.js',
    find: `_jsx("label", { role: "tooltip", "aria-label": \`\${angleGranular}º\`, "data-microtip-position": "top", className: "uppy-ImageCropper-rangeWrapper", children: _jsx("input", { className: "uppy-ImageCropper-range uppy-u-reset", type: "range", onInput: this.onRotateGranular, onChange: this.onRotateGranular, value: angleGranular, min: "-45", max: "45", "aria-label": i18n('rotate') }) })`,
    replace: `/* signet-upload patch uppy-image-editor-rotate-label (scripts/patch-uppy.mjs) */ _jsx("label", { className: "uppy-ImageCropper-rangeWrapper", children: _jsx("input", { className: "uppy-ImageCropper-range uppy-u-reset", type: "range", onInput: this.onRotateGranular, onChange: this.onRotateGranular, value: angleGranular, min: "-45", max: "45", "aria-label": i18n('rotate'), "aria-valuetext": \`\${angleGranular}°\` }) })`,
  },
];

/** Applies every patch that is not applied yet; returns the ids it changed. Throws when a patch no longer fits. */
export function applyUppyPatches() {
  const changed = [];
  for (const patch of PATCHES) {
    const path = join(root, 'node_modules', patch.file);
    const source = readFileSync(path, 'utf8');
    if (source.includes(patch.replace)) continue;
    const at = source.indexOf(patch.find);
    if (at < 0 || source.indexOf(patch.find, at + 1) >= 0) {
      throw new Error(`patch-uppy: ${patch.id} does not fit ${patch.file} any more; see scripts/patch-uppy.mjs`);
    }
    writeFileSync(path, source.slice(0, at) + patch.replace + source.slice(at + patch.find.length));
    changed.push(patch.id);
  }
  return changed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const changed = applyUppyPatches();
  if (changed.length > 0) console.log(`patch-uppy: applied ${changed.join(', ')}`);
}
