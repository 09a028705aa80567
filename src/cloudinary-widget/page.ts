/**
 * What Cloudinary's widget does to the containing page, done the same way so server code written for it keeps
 * working: a hidden input per uploaded file in the `form` (named `fieldName`, valued
 * `<resource_type>/<type>/<path>#<signature>` as the SDKs' preloaded-file helpers read it), a list of thumbnails
 * (`<ul class="cloudinary-thumbnails">`, with a delete link when the answer has a delete token), and
 * applyUploadWidget's button. Its look is one constructable stylesheet on the document, which a strict
 * Content-Security-Policy allows (no <style> element, no style attribute).
 */
import type { SuccessInfo } from './events.js';
import { frameStyles } from './frame.styles.js';

let adopted = false;

/** The frame's and the page integrations' styles, adopted by the document once. */
export function adoptPageStyles(): void {
  if (adopted) return;
  adopted = true;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(frameStyles);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

/** A selector or an element, as Cloudinary's options take them; null when it names nothing. */
export function resolveElement<T extends Element = HTMLElement>(target: string | Element | null | undefined): T | null {
  if (!target) return null;
  return (typeof target === 'string' ? document.querySelector(target) : target) as T | null;
}

/** The hidden input Cloudinary's widget adds to the form for an uploaded file. */
export function addFormInput(form: HTMLFormElement, fieldName: string, info: SuccessInfo): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'hidden';
  input.name = fieldName;
  input.dataset.cloudinaryPublicId = info.public_id;
  input.value = `${[info.resource_type, info.type, info.path].join('/')}#${info.signature}`;
  input.dataset.cloudinary = JSON.stringify(info);
  form.append(input);
  return input;
}

export interface ThumbnailPlace {
  /** The `thumbnails` option's element; else the list goes right after `after` (applyUploadWidget's element). */
  container: Element | null;
  after: Element | null;
  /** POSTs a delete token (Cloudinary's `delete_by_token`); resolves true when the asset is gone. */
  deleteByToken(token: string): Promise<boolean>;
  /** Called once the thumbnail's asset was deleted (its form input goes too). */
  onDeleted(info: SuccessInfo): void;
}

/** Adds one thumbnail to the page's `.cloudinary-thumbnails` list (made where `place` says, the first time). */
export function addThumbnail(info: SuccessInfo, place: ThumbnailPlace): HTMLLIElement | null {
  let list = document.querySelector('ul.cloudinary-thumbnails');
  if (!list) {
    if (!place.container && !place.after) return null;
    list = document.createElement('ul');
    list.className = 'cloudinary-thumbnails';
    if (place.container) place.container.append(list);
    else place.after?.after(list);
  }
  const item = document.createElement('li');
  item.className = 'cloudinary-thumbnail';
  item.dataset.cloudinary = JSON.stringify(info);
  if (info.thumbnail_url) {
    const image = document.createElement('img');
    image.alt = info.original_filename ?? info.public_id;
    image.addEventListener('load', () => item.classList.add('active'), { once: true });
    image.src = info.thumbnail_url;
    item.append(image);
  } else {
    const name = document.createElement('span');
    name.textContent = info.public_id;
    item.append(name);
    item.classList.add('active');
  }
  const token = (info as SuccessInfo & { delete_token?: unknown }).delete_token;
  if (typeof token === 'string' && token) item.append(deleteLink(item, token, info, place));
  list.append(item);
  return item;
}

function deleteLink(item: HTMLLIElement, token: string, info: SuccessInfo, place: ThumbnailPlace): HTMLAnchorElement {
  const link = document.createElement('a');
  link.href = '#';
  link.className = 'cloudinary-delete';
  link.textContent = 'x';
  link.setAttribute('aria-label', `Delete ${info.original_filename ?? info.public_id}`);
  const remove = async (event: Event) => {
    event.preventDefault();
    if (!(await place.deleteByToken(token))) return;
    link.removeEventListener('click', remove);
    item.remove();
    place.onDeleted(info);
  };
  link.addEventListener('click', remove);
  return link;
}

/** applyUploadWidget: the element gives way to a button that opens the widget (Cloudinary's `cloudinary-button`). */
export function addUploadButton(
  element: HTMLElement,
  caption: string,
  className: string,
  open: () => void,
): HTMLAnchorElement {
  const button = document.createElement('a');
  button.href = '#';
  button.className = className;
  button.setAttribute('role', 'button');
  button.textContent = caption;
  button.addEventListener('click', (event) => {
    event.preventDefault();
    event.stopPropagation();
    open();
  });
  element.style.display = 'none';
  element.before(button);
  return button;
}
