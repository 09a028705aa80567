// Helpers for browser tests: build files, mount the element, drive its file input like a person would.
import { afterEach, expect, inject } from 'vitest';
import { CloudinaryBackend } from '../../src/backends/cloudinary.js';
import { en } from '../../src/locales/en.js';
import type { SignedParams, UploadParams } from '../../src/protocol/params.js';
import type { SignetUploader } from '../../src/uploader/uploader.js';
import '../../src/define.js';

export const server = () => inject('server');

/** Deterministic bytes with every value 0–255 (and no text magic), `size` long. */
export function bytes(size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = i < 256 ? i : x & 0xff;
  }
  return out;
}

export async function sha256(data: BufferSource | Blob): Promise<string> {
  const buffer = data instanceof Blob ? await data.arrayBuffer() : data;
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Signs through the reference server's /api/sign with the test user's bearer token. */
export async function signWithServer(params: UploadParams): Promise<SignedParams> {
  const { url, token } = server();
  const response = await fetch(`${url}/api/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(params),
  });
  if (!response.ok) throw new Error(`sign failed: ${response.status} ${await response.text()}`);
  return response.json();
}

const mounted: HTMLElement[] = [];
// Every test file that mounts elements gets them removed after each test. Remove the elements themselves, never
// wipe <body>: Uppy later removes its own body-level helper forms with removeChild.
afterEach(() => {
  for (const el of mounted.splice(0)) el.remove();
});

/**
 * Mounts a <signet-uploader> pointed at the test server, signed by it, into `parent` (the body by default; a parent
 * not in the page yet joins it with its outermost ancestor); removed after the test. It waits for Uppy (which that
 * asks for) unless `idle`: then the element shows its light drop zone until a person shows intent.
 */
export async function mount(
  attrs: Record<string, string> = {},
  parent?: HTMLElement,
  { idle = false } = {},
): Promise<SignetUploader> {
  const { url, cloudName, apiKey } = server();
  const el = document.createElement('signet-uploader');
  el.setAttribute('upload-url', url);
  el.setAttribute('cloud-name', cloudName);
  el.setAttribute('api-key', apiKey);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  el.signUpload = signWithServer;
  if (parent) {
    parent.append(el);
    let top = parent;
    while (top.parentElement) top = top.parentElement;
    if (!top.isConnected) {
      document.body.append(top);
      mounted.push(top);
    }
  } else document.body.append(el);
  mounted.push(el);
  await el.updateComplete;
  if (!idle) await el.ready;
  return el;
}

/** Picks files through the Dashboard's own <input type=file>, as the browser does after a person chooses them. */
export function choose(el: SignetUploader, files: File[]): void {
  const input = el.shadowRoot?.querySelector<HTMLInputElement>(
    'input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])',
  );
  if (!input) throw new Error('file input not rendered');
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

export function uploadButton(el: SignetUploader): HTMLButtonElement | null {
  return el.shadowRoot?.querySelector<HTMLButtonElement>('.uppy-StatusBar-actionBtn--upload') ?? null;
}

/** Resolves with the first event of that name from the element. */
export function next<K extends keyof GlobalEventHandlersEventMap>(
  el: HTMLElement,
  name: K,
): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve) => el.addEventListener(name, (e) => resolve(e), { once: true }));
}

export async function listAssets(): Promise<{ public_id: string; bytes: number }[]> {
  const response = await fetch(`${server().url}/api/assets?limit=500`, {
    headers: { authorization: `Bearer ${server().token}` },
  });
  return (await response.json()).resources;
}

/** Presses the Dashboard's Upload button once it has rendered. */
export async function pressUpload(el: SignetUploader): Promise<void> {
  await expect.poll(() => uploadButton(el)).not.toBeNull();
  uploadButton(el)?.click();
}

export interface ResultItem {
  status: string;
  state: string;
  name: string;
  /** Everything the item says, whitespace collapsed. */
  text: string;
  /** The labels of its buttons (Retry, a folder fix). */
  buttons: string[];
}

/** The results under the drop zone, as a person reads them. */
export function results(el: SignetUploader): ResultItem[] {
  const items = el.shadowRoot?.querySelectorAll<HTMLElement>('[part="results-list"] > li') ?? [];
  const text = (node: Element | null) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
  return [...items].map((li) => ({
    status: li.dataset.status ?? '',
    state: text(li.querySelector('.state')),
    name: text(li.querySelector('.name')),
    text: text(li),
    buttons: [...li.querySelectorAll('button')].map((b) => text(b)),
  }));
}

/**
 * The element's own backend against the test server (or `uploadUrl`), but giving up on the network at the first
 * failure: by default a dropped connection is tried again for minutes (backends/retry.ts), which is right for people
 * and too long for a test that wants the "failed, with Retry" state.
 */
export function backendThatGivesUp(uploadUrl = server().url): CloudinaryBackend {
  return new CloudinaryBackend({
    cloudName: server().cloudName,
    uploadUrl,
    resourceType: 'auto',
    chunkSize: 20 * 1024 * 1024,
    source: 'signet',
    sign: signWithServer,
    messages: en.errors,
    retry: { attempts: 0, baseMs: 1, maxMs: 1 },
  });
}

/** A promise and the function that settles it: holds a signing (and so an upload) until the test lets it go. */
export function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** Signs only once `until` settles: the file stays `uploading` meanwhile (signing is part of its upload). */
export function heldSigner(until: Promise<void>): (params: UploadParams) => Promise<SignedParams> {
  return async (params) => {
    await until;
    return signWithServer(params);
  };
}

export function summaryText(el: SignetUploader): string {
  return el.shadowRoot?.querySelector('[part="summary"]')?.textContent?.trim() ?? '';
}

/** Whether the whole box of `node` is inside the viewport (nothing below the fold, nothing scrolled away). */
export function inViewport(node: Element | null | undefined): boolean {
  if (!node) return false;
  const box = node.getBoundingClientRect();
  // Within a pixel: layout places boxes at fractions of one.
  return (
    box.height > 0 && box.top >= -1 && box.bottom <= innerHeight + 1 && box.left >= -1 && box.right <= innerWidth + 1
  );
}

/** The result item of a file (or folder), by the name it shows. */
export function resultNode(el: SignetUploader, name: string): HTMLElement | undefined {
  const items = el.shadowRoot?.querySelectorAll<HTMLElement>('[part="results-list"] > li') ?? [];
  return [...items].find((li) => li.querySelector('.name')?.textContent?.trim() === name);
}

/** A small real PNG, drawn by the browser. */
export async function pngBytes(width = 20, height = 10): Promise<Uint8Array<ArrayBuffer>> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d context');
  context.fillStyle = '#3a7';
  context.fillRect(0, 0, width, height);
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
}

/** Files as a directory picker or a dropped tree hands them to the Dashboard: with their relative paths. */
export function tree(paths: string[]): File[] {
  return paths.map((path, i) => {
    const file = new File([`file ${i} ${path}`], path.split('/').at(-1) as string, { type: 'text/plain' });
    Object.defineProperty(file, 'webkitRelativePath', { value: path });
    return file;
  });
}

/** Adds files the way the Dashboard does for a dropped folder (it reads each file's relative path). */
export function addTree(el: SignetUploader, files: File[]): void {
  const dashboard = el.uppy?.getPlugin('Dashboard') as unknown as { addFiles(files: File[]): void };
  dashboard.addFiles(files);
}
