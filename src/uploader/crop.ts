/**
 * `crop`: each photo (JPEG, PNG, WebP) opens in Uppy's image editor as it joins the queue, one after another; Save
 * makes the file the cropped image, Cancel keeps it as it is unless `crop-required`: then a run does not start while
 * an image is uncropped, and the editor opens on it instead. What was cropped is noted on the file (`meta.signetCrop`,
 * crop-box.ts: the upload's `custom_coordinates` and the events read it).
 * Loaded only when `crop` is set. Cropper.js has no keyboard support: the crop box here takes focus, arrow keys move
 * it and Shift with arrow keys sizes it.
 */
import type { Body, Meta, UIPlugin, Uppy, UppyFile } from '@uppy/core';
import ImageEditor from '@uppy/image-editor';
import editorCss from '@uppy/image-editor/css/style.min.css?inline';
import { aspectRatioOf, type Crop, type CropBox, cropOf } from './crop-box.js';

export interface CropOptions {
  /** `crop-aspect-ratio` as written (crop-box.ts `aspectRatioOf`). */
  aspectRatio: string;
  required: boolean;
}

export interface CropHooks {
  options(): CropOptions;
  /** The crop box's name for assistive technology, in the element's language. */
  boxLabel(): string;
}

/** What the Dashboard offers an editor through (its public methods). */
interface EditorHost {
  openFileEditor(file: UppyFile<Meta, Body>): void;
  getPluginState(): { showFileEditor?: boolean };
}

type Cropper = {
  getData(rounded?: boolean): CropBox & { rotate: number; scaleX: number; scaleY: number };
  getCropBoxData(): { left: number; top: number; width: number; height: number };
  setCropBoxData(data: Partial<{ left: number; top: number; width: number; height: number }>): void;
};

type Editor = ImageEditor<Meta, Body> & {
  cropper: Cropper | null;
  save(): void;
  initCropper(img: HTMLImageElement): void;
  canEditFile(file: UppyFile<Meta, Body>): boolean;
  getPluginState(): { currentImage: UppyFile<Meta, Body> | null };
};

/** Cropped images are redrawn on a canvas: GIFs would lose their animation, so they are not offered. */
const CROPPABLE = /^image\/(jpeg|png|webp)$/;
/** Arrow keys move or size the box by this many screen pixels (1 with Alt, for the last touches). */
const STEP = 10;
/** Longest wait for a saved crop's image before a run goes on without it. */
const ENCODE_MS = 10_000;

/**
 * Uppy sizes the picture for its own 550-pixel Dashboard (`max-height: 400px`); ours is often lower, and the editor's
 * bar would be pushed out of sight. The picture takes the room left under the bar instead.
 */
const fitCss = `
.uppy-DashboardContent-panelBody, .uppy-ImageCropper, .uppy-ImageCropper-container { min-height: 0; }
.uppy-ImageCropper-container { overflow: hidden; }
.uppy-ImageCropper-image { max-height: 100%; }
`;

let sheet: CSSStyleSheet | undefined;

export interface CropGate {
  /** Resolves once the editor has written these files' cropped images (Upload may be pressed right after Save). */
  settled(fileIDs: readonly string[]): Promise<void>;
  /** Before a run: false (and the editor opens on it) while `crop-required` finds an uncropped image. */
  admit(fileIDs: readonly string[]): boolean;
}

export function installCrop(
  uppy: Uppy<Meta, Body>,
  root: ShadowRoot,
  dashboard: UIPlugin<never, Meta, Body>,
  hooks: CropHooks,
): CropGate {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(`${editorCss}\n${fitCss}`);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const aspectRatio = aspectRatioOf(hooks.options().aspectRatio);
  uppy.use(ImageEditor, {
    target: dashboard as never,
    quality: 0.92,
    cropperOptions: {
      // The box stays on the picture, so its coordinates are the picture's.
      viewMode: 1,
      autoCropArea: 1,
      ...(aspectRatio > 0 ? { aspectRatio, initialAspectRatio: aspectRatio } : {}),
    } as never,
    // A page that fixed the proportions offers no others.
    actions: aspectRatio > 0 ? { cropSquare: false, cropWidescreen: false, cropWidescreenVertical: false } : {},
  });
  const editor = uppy.getPlugin('ImageEditor') as unknown as Editor;
  const host = dashboard as unknown as EditorHost;
  const croppable = editor.canEditFile.bind(editor);
  // The Dashboard's file card also asks while it has no file (the card of one just removed).
  editor.canEditFile = (file) => Boolean(file) && croppable(file) && CROPPABLE.test(file.type ?? '');

  // The crop as saved, kept until the editor says the file is the cropped image (its canvas encodes meanwhile).
  const saving = new Map<string, Crop>();
  const encoded = new Map<string, () => void>();
  const settled = new Map<string, Promise<void>>();
  const save = editor.save.bind(editor);
  editor.save = () => {
    const file = editor.getPluginState().currentImage;
    if (file && editor.cropper) {
      const id = file.id;
      // Settled by the editor's answer; a canvas the browser cannot encode (too large) gives none: then the file
      // goes as it was rather than holding the run.
      settled.set(id, new Promise<void>((resolve) => encoded.set(id, resolve)));
      setTimeout(() => done(id), ENCODE_MS);
    }
    save(); // it evens the box's size first (uppy#4305), so read it after
    const data = editor.cropper?.getData(true);
    if (!file || !data) return;
    // A second crop of a cropped file is a box inside the first (none if the first had none).
    const before = cropOf(file);
    const offset = before ? before.box : { x: 0, y: 0 };
    // Turned or mirrored, the box is no rectangle of the original.
    const plain = data.rotate % 360 === 0 && data.scaleX === 1 && data.scaleY === 1;
    const box: CropBox | null =
      plain && offset
        ? {
            x: Math.max(0, data.x) + offset.x,
            y: Math.max(0, data.y) + offset.y,
            width: data.width,
            height: data.height,
          }
        : null;
    saving.set(file.id, { width: data.width, height: data.height, box });
  };

  const decorate = (img: HTMLImageElement) => {
    const box = img.parentElement?.querySelector<HTMLElement>('.cropper-crop-box');
    if (!box) return;
    box.tabIndex = 0;
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', hooks.boxLabel());
    box.addEventListener('keydown', (event) => {
      const move = ARROWS[event.key];
      const cropper = editor.cropper;
      if (!move || !cropper) return;
      event.preventDefault();
      const step = event.altKey ? 1 : STEP;
      const now = cropper.getCropBoxData();
      cropper.setCropBoxData(
        event.shiftKey
          ? { width: now.width + move[0] * step, height: now.height + move[1] * step }
          : { left: now.left + move[0] * step, top: now.top + move[1] * step },
      );
    });
    // Keyboard users start where the work is (without scrolling the editor's bar away).
    box.focus({ preventScroll: true });
  };
  const initCropper = editor.initCropper.bind(editor);
  editor.initCropper = (img) => {
    initCropper(img);
    img.addEventListener('ready', () => decorate(img), { once: true });
  };

  // One editor at a time: the images wait their turn, in the order they came.
  const waiting: string[] = [];
  let editing: string | null = null;
  // The next editor opens once the last one has left the page: opened sooner, Uppy keeps the old editor mounted,
  // whose cropper the new file's start has destroyed, and none is made (uppy#6210 fixed a reopen, not a switch).
  const next = () => {
    if (editing || host.getPluginState().showFileEditor || !root.host.isConnected) return;
    if (root.querySelector('[data-uppy-paneltype="FileEditor"]')) {
      setTimeout(next, 20);
      return;
    }
    while (waiting.length) {
      const file = uppy.getFile(waiting.shift() as string);
      if (file && !cropOf(file)) {
        host.openFileEditor(file);
        return;
      }
    }
  };
  uppy.on('files-added', (files) => {
    for (const file of files) if (editor.canEditFile(file)) waiting.push(file.id);
    next();
  });
  uppy.on('file-editor:start', (file) => {
    editing = file.id;
  });
  const done = (id: string) => {
    encoded.get(id)?.();
    encoded.delete(id);
    settled.delete(id);
  };
  uppy.on('file-editor:complete', (file) => {
    const crop = saving.get(file.id);
    saving.delete(file.id);
    done(file.id);
    editing = null;
    if (crop) uppy.setFileMeta(file.id, { signetCrop: crop });
    next();
  });
  // Emitted before the Dashboard closes its panel.
  uppy.on('file-editor:cancel', () => {
    editing = null;
    queueMicrotask(next);
  });
  uppy.on('file-removed', (file) => {
    done(file.id);
    if (editing === file.id) editing = null;
    queueMicrotask(next);
  });

  return {
    async settled(fileIDs) {
      await Promise.all(fileIDs.map((id) => settled.get(id)));
    },
    admit(fileIDs) {
      if (!hooks.options().required) return true;
      const uncropped = fileIDs
        .map((id) => uppy.getFile(id))
        .find((file) => file && editor.canEditFile(file) && !cropOf(file));
      if (!uncropped) return true;
      if (!editing) host.openFileEditor(uncropped);
      return false;
    },
  };
}

const ARROWS: Record<string, readonly [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};
