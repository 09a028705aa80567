/**
 * The window Cloudinary's widget opens, drawn around <signet-uploader> (always `mode="inline"` inside it): a native
 * <dialog> in the top layer with a title bar (minimize, close), or, with `inlineContainer`, a block in the page.
 * Minimised, the dialog becomes a non-modal bar in a corner (`queueViewPosition`) while uploads go on. The frame
 * only draws; instance.ts decides when and tells the page.
 */
import type { SignetUploader } from '../uploader/uploader.js';
import type { FrameWords } from './words.js';

export type Display = 'hidden' | 'shown' | 'minimized';

export interface FrameOptions {
  /** Where an inline widget goes; null for the modal dialog. */
  container: HTMLElement | null;
  words: FrameWords;
  showCompletedButton: boolean;
  /** Cloudinary's `queueViewPosition`, e.g. `right:35px` or `left:10px`. */
  position: string | undefined;
  /** The person asked to close (the close button, Escape). */
  onClose(): void;
  /** The person toggled between the minimised bar and the window. */
  onToggle(): void;
  /** The "Show completed" button. */
  onShowCompleted(): void;
}

let frames = 0;

export class Frame {
  /** The dialog (modal) or the inline block. */
  readonly root: HTMLElement;
  readonly inline: boolean;
  readonly #body: HTMLElement;
  readonly #state: HTMLElement;
  readonly #completed: HTMLButtonElement | null;
  readonly #toggle: HTMLButtonElement | null;
  #words: FrameWords;
  #display: Display = 'hidden';

  constructor(options: FrameOptions) {
    const id = `signet-cld-${++frames}`;
    this.inline = options.container !== null;
    this.#words = options.words;
    this.root = make(this.inline ? 'div' : 'dialog', `signet-cld${this.inline ? ' signet-cld-inline' : ''}`);
    const bar = make('div', 'signet-cld-bar');
    const title = make('h2', 'signet-cld-title');
    title.id = `${id}-title`;
    this.#state = make('span', 'signet-cld-state');
    this.#state.setAttribute('role', 'status');
    this.#completed = options.showCompletedButton ? button('signet-cld-completed', options.onShowCompleted) : null;
    if (this.#completed) this.#completed.hidden = true;
    this.#toggle = this.inline ? null : button('signet-cld-minimize', options.onToggle);
    const close = this.inline ? null : button('signet-cld-close', options.onClose);
    if (!this.inline) {
      bar.append(title, this.#state);
      this.root.setAttribute('aria-labelledby', title.id);
      // Escape: the person closes the window (the page hears `close`), as with the close button.
      this.root.addEventListener('cancel', (event) => {
        event.preventDefault();
        options.onClose();
      });
    }
    bar.append(...[this.#completed, this.#toggle, close].filter((b): b is HTMLButtonElement => b !== null));
    this.#body = make('div', 'signet-cld-body');
    if (bar.childElementCount) this.root.append(bar);
    this.root.append(this.#body);
    this.#applyPosition(options.position);
    this.root.hidden = this.inline;
    this.setWords(options.words);
    (options.container ?? document.body).append(this.root);
  }

  get display(): Display {
    return this.#display;
  }

  /** Puts the element in the frame (a new one replaces the old: Cloudinary's close resets the widget). */
  hold(element: SignetUploader): void {
    this.#body.replaceChildren(element);
  }

  setDisplay(display: Display): void {
    this.#display = display;
    this.root.classList.toggle('signet-cld-minimized', display === 'minimized');
    this.#labelToggle();
    if (this.inline) {
      this.root.hidden = display === 'hidden';
      return;
    }
    const dialog = this.root as HTMLDialogElement;
    // Shown, the window is modal; minimised, a non-modal bar, so the page stays usable while files upload.
    const modal = display === 'shown';
    if (dialog.open && (display === 'hidden' || dialog.matches(':modal') !== modal)) dialog.close();
    if (display !== 'hidden' && !dialog.open) {
      if (modal) dialog.showModal();
      else dialog.show();
    }
  }

  /** What the minimised bar says (uploading, uploaded). */
  setState(text: string): void {
    this.#state.textContent = text;
  }

  /** Whether the "Show completed" button is offered (there are completed files). */
  offerCompleted(offered: boolean): void {
    if (this.#completed) this.#completed.hidden = !offered;
  }

  setWords(words: FrameWords): void {
    this.#words = words;
    const title = this.root.querySelector('.signet-cld-title');
    if (title) title.textContent = words.title;
    if (this.#completed) this.#completed.textContent = words.showCompleted;
    const close = this.root.querySelector('.signet-cld-close');
    close?.setAttribute('aria-label', words.close);
    if (close) close.textContent = '×';
    this.#labelToggle();
  }

  #labelToggle(): void {
    const minimized = this.#display === 'minimized';
    this.#toggle?.setAttribute('aria-expanded', String(!minimized));
    this.#toggle?.setAttribute('aria-label', minimized ? this.#words.expand : this.#words.minimize);
    if (this.#toggle) this.#toggle.textContent = minimized ? '□' : '–';
  }

  /** Sets the page's palette on the frame as well (its bar follows the same colours). */
  setProperties(properties: Record<string, string>): void {
    for (const [name, value] of Object.entries(properties)) this.root.style.setProperty(name, value);
  }

  remove(): void {
    if (!this.inline) (this.root as HTMLDialogElement).close();
    this.root.remove();
  }

  #applyPosition(position: string | undefined): void {
    const match = /^(left|right)(?::([0-9a-z.%]*))?$/.exec(position ?? '');
    if (!match) return;
    this.root.classList.toggle('signet-cld-left', match[1] === 'left');
    if (match[2]) this.root.style.setProperty('--signet-cld-offset', match[2]);
  }
}

function make<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  return element;
}

function button(className: string, onClick: () => void): HTMLButtonElement {
  const element = make('button', className);
  element.type = 'button';
  element.addEventListener('click', onClick);
  return element;
}
