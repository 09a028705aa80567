import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { en, type SignetLocale } from '../locales/en.js';
import { fill } from '../locales/fill.js';
import { checkFolder, checkPublicId, checkTags, LIMITS, type RuleResult } from '../protocol/rules.js';
import { styles } from './advanced-options.styles.js';
import { EMPTY_OPTIONS, type UploadOptions } from './options.js';

/** A choice in the upload preset list. */
export interface PresetChoice {
  name: string;
  label?: string;
}

/**
 * The advanced options panel of <signet-uploader>: public ID, tags, folder and upload preset, set before files are
 * chosen. Values are checked as they are typed, by the same rules the server applies.
 *
 * @summary Advanced upload options (public ID, tags, folder, upload preset).
 *
 * @event {SignetOptionsInputEvent} signet-options-input - The person changed a value; `event.options` holds them all.
 * @event {SignetOptionsToggleEvent} signet-options-toggle - The person folded or unfolded the panel; `event.collapsed`.
 *
 * @csspart toggle - The button in the legend that folds and unfolds the panel.
 * @csspart digest - The one-line account of the values, shown while the panel is folded.
 * @csspart lock-reason - The sentence that says why the panel is locked.
 */
export class SignetAdvancedOptions extends LitElement {
  static override styles = styles;

  /** The values shown. */
  @property({ attribute: false }) options: UploadOptions = EMPTY_OPTIONS;

  /** Locked while files wait in the queue: options apply to a whole batch. */
  @property({ type: Boolean, reflect: true }) locked = false;

  /** Folded to its legend and a one-line account of the values (the uploader folds it while files wait). */
  @property({ type: Boolean, reflect: true }) collapsed = false;

  /** Show the folder field. */
  @property({ type: Boolean, attribute: 'show-folder' }) showFolder = false;

  /** Show the upload preset field. */
  @property({ type: Boolean, attribute: 'show-upload-preset' }) showUploadPreset = false;

  /** The presets a person may choose. */
  @property({ attribute: false }) presets: readonly PresetChoice[] = [];

  /** Tag suggestions for what has been typed so far. */
  @property({ attribute: false }) getTags?: (prefix: string) => Promise<readonly string[]> | readonly string[];

  /** Strings (see `locales/en.ts`). */
  @property({ attribute: false }) strings: SignetLocale = en;

  @state() private suggestions: readonly string[] = [];
  @state() private tagDraft = '';

  protected override render(): TemplateResult {
    const s = this.strings.options;
    const { options } = this;
    const idCheck: RuleResult = options.publicId ? checkPublicId(options.publicId) : { ok: true };
    const folderCheck = checkFolder(options.folder);
    const tagCheck = this.tagDraft ? checkTags([this.tagDraft]) : checkTags(options.tags);
    // Controls in a disabled fieldset's legend stay enabled, so the toggle works while the fields are locked.
    return html`<fieldset ?disabled=${this.locked} aria-describedby="lock-reason">
      <legend>
        <button
          type="button"
          part="toggle"
          aria-expanded=${this.collapsed ? 'false' : 'true'}
          aria-controls="fields"
          @click=${this.#toggle}
        >
          ${s.toggle}
        </button>
      </legend>
      ${this.locked ? html`<p part="lock-reason" id="lock-reason">${s.lockedReason}</p>` : nothing}
      ${this.collapsed ? html`<p part="digest">${this.#digest()}</p>` : nothing}
      <div id="fields" ?hidden=${this.collapsed}>
      ${this.#textField('public-id', 'public_id', s.publicId, options.publicId, idCheck, (publicId) => this.#change({ publicId }))}
      <div class="field">
        <label for="tags">${s.tags}</label>
        <ul class="chips" aria-label=${s.tags}>
          ${options.tags.map(
            (tag) => html`<li>
              <span>${tag}</span>
              <button type="button" aria-label=${fill(s.removeTag, { tag })} @click=${() => this.#removeTag(tag)}>
                ×
              </button>
            </li>`,
          )}
        </ul>
        <input
          id="tags"
          name="tags"
          list="tag-suggestions"
          autocomplete="off"
          placeholder=${s.tagsPlaceholder}
          .value=${this.tagDraft}
          aria-invalid=${tagCheck.ok ? 'false' : 'true'}
          aria-describedby="tags-error"
          @input=${this.#onTagInput}
          @keydown=${this.#onTagKey}
          @change=${this.#onTagChange}
        />
        <datalist id="tag-suggestions">${this.suggestions.map((t) => html`<option value=${t}></option>`)}</datalist>
        <span id="tags-error" class="error" role="alert">${this.#message(tagCheck)}</span>
      </div>
      ${
        this.showFolder
          ? this.#textField('folder', 'folder', s.folder, options.folder, folderCheck, (folder) =>
              this.#change({ folder }),
            )
          : nothing
      }
      ${
        this.showUploadPreset
          ? html`<div class="field">
              <label for="upload-preset">${s.uploadPreset}</label>
              <select
                id="upload-preset"
                name="upload_preset"
                @change=${(e: Event) => this.#change({ uploadPreset: (e.target as HTMLSelectElement).value })}
              >
                <option value="" ?selected=${!options.uploadPreset}>${s.noPreset}</option>
                ${this.presets.map(
                  (p) =>
                    html`<option value=${p.name} ?selected=${p.name === options.uploadPreset}>${p.label ?? p.name}</option>`,
                )}
              </select>
            </div>`
          : nothing
      }
      </div>
    </fieldset>`;
  }

  /** "Public ID: trip · Tags: summer, family · Folder: albums" — what the folded panel still tells. */
  #digest(): string {
    const s = this.strings.options;
    const { options } = this;
    const parts = [
      options.publicId && `${s.publicId}: ${options.publicId}`,
      options.tags.length && `${s.tags}: ${options.tags.join(', ')}`,
      this.showFolder && options.folder && `${s.folder}: ${options.folder}`,
      this.showUploadPreset && options.uploadPreset && `${s.uploadPreset}: ${options.uploadPreset}`,
    ].filter((part): part is string => Boolean(part));
    return parts.length ? parts.join(' · ') : s.noneSet;
  }

  #toggle = () => {
    this.collapsed = !this.collapsed;
    // Built apart from dispatchEvent: the manifest analyzer reads `dispatchEvent(new X(a))` as an event named `a`.
    const event = new SignetOptionsToggleEvent(this.collapsed);
    this.dispatchEvent(event);
  };

  /** A text input checked as it is typed, its rule's message announced beside it. */
  #textField(
    id: string,
    name: string,
    label: string,
    value: string,
    check: RuleResult,
    onInput: (value: string) => void,
  ): TemplateResult {
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <input
        id=${id}
        name=${name}
        autocomplete="off"
        .value=${value}
        aria-invalid=${check.ok ? 'false' : 'true'}
        aria-describedby="${id}-error"
        @input=${(e: Event) => onInput((e.target as HTMLInputElement).value.trim())}
      />
      <span id="${id}-error" class="error" role="alert">${this.#message(check)}</span>
    </div>`;
  }

  /** A rule's refusal in the locale's words, by its code (the rules themselves speak English, for servers). */
  #message(check: RuleResult): string {
    if (check.ok) return '';
    const words = (this.strings.rules as Record<string, string>)[check.error.code];
    return words ? fill(words, LIMITS, this.strings.language) : check.error.message;
  }

  #change(patch: Partial<UploadOptions>): void {
    this.options = { ...this.options, ...patch };
    const event = new SignetOptionsInputEvent(this.options);
    this.dispatchEvent(event);
  }

  #addTag(raw: string): void {
    const tag = raw.trim();
    this.tagDraft = '';
    if (!tag || this.options.tags.includes(tag)) return;
    if (!checkTags([tag]).ok) {
      this.tagDraft = raw;
      return;
    }
    this.#change({ tags: [...this.options.tags, tag] });
  }

  #removeTag(tag: string): void {
    this.#change({ tags: this.options.tags.filter((t) => t !== tag) });
  }

  #onTagInput = async (event: Event) => {
    const value = (event.target as HTMLInputElement).value;
    // A typed comma ends a tag, as in most chip inputs (a comma can never be part of a tag).
    if (value.includes(',')) {
      for (const part of value.split(',').slice(0, -1)) this.#addTag(part);
      this.tagDraft = value.split(',').at(-1) ?? '';
      return;
    }
    this.tagDraft = value;
    if (this.getTags && value.trim()) {
      const prefix = value.trim();
      const found = await this.getTags(prefix);
      if (this.tagDraft.trim() === prefix) this.suggestions = found.filter((t) => !this.options.tags.includes(t));
    }
  };

  #onTagKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      this.#addTag((event.target as HTMLInputElement).value);
    } else if (event.key === 'Backspace' && !this.tagDraft && this.options.tags.length) {
      this.#removeTag(this.options.tags.at(-1) as string);
    }
  };

  // Picking a suggestion from the datalist fires `change` with the full value.
  #onTagChange = (event: Event) => {
    const value = (event.target as HTMLInputElement).value;
    if (this.suggestions.includes(value.trim())) this.#addTag(value);
  };
}

/** Internal: the panel tells its uploader about an edit; the uploader re-emits it as `signet-options-change`. */
export class SignetOptionsInputEvent extends Event {
  static readonly eventName = 'signet-options-input';
  readonly options: UploadOptions;

  constructor(options: UploadOptions) {
    super(SignetOptionsInputEvent.eventName, { bubbles: true, composed: false });
    this.options = options;
  }
}

/** Internal: the person folded or unfolded the panel; the uploader decides (it also folds it while files wait). */
export class SignetOptionsToggleEvent extends Event {
  static readonly eventName = 'signet-options-toggle';
  readonly collapsed: boolean;

  constructor(collapsed: boolean) {
    super(SignetOptionsToggleEvent.eventName, { bubbles: true, composed: false });
    this.collapsed = collapsed;
  }
}

/** Registers `<signet-advanced-options>`: the uploader loads this module and calls it when it first shows the panel. */
export function defineAdvancedOptions(): void {
  if (!customElements.get('signet-advanced-options'))
    customElements.define('signet-advanced-options', SignetAdvancedOptions);
}
