/**
 * The element's own light drop zone, shown until Uppy has loaded (Uppy loads on the first sign of intent; see
 * uppy-controller.ts `want`). It takes a drop, a paste or a pick through "browse files", and states the limits;
 * what it takes is handed to Uppy once it is up, so the first files a person gives are never lost.
 */
import { html, type TemplateResult } from 'lit';
import type { EarlyPick } from './add-files.js';

export interface DropZoneOptions {
  hint: string;
  browse: string;
  note: string;
  multiple: boolean;
  accept: string;
  /** Local files are on offer (else the zone only says what loads). */
  local: boolean;
  take(pick: EarlyPick): void;
}

/** The zone's height is set through CSSOM (`setDropZoneHeight`): a `style` attribute breaks a strict CSP. */
export function setDropZoneHeight(root: ParentNode, height: string): void {
  root.querySelector<HTMLElement>('[part="drop-zone"]')?.style.setProperty('height', height);
}

export function renderDropZone(o: DropZoneOptions): TemplateResult {
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    const transfer = event.dataTransfer;
    if (!transfer || !o.local) return;
    // A drop's entries must be taken before this handler returns; folders are read once Uppy is up.
    const items = Array.from(transfer.items, (item) => ({
      entry: item.webkitGetAsEntry?.() ?? null,
      file: item.getAsFile(),
    })).filter((item) => item.entry || item.file);
    o.take({ items, files: Array.from(transfer.files) });
  };
  const onPaste = (event: ClipboardEvent) => {
    const files = Array.from(event.clipboardData?.files ?? []);
    if (!files.length || !o.local) return;
    event.preventDefault();
    o.take({ files });
  };
  const onChange = (event: Event) => {
    const input = event.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (files.length) o.take({ files });
  };
  const browse = (event: Event) =>
    ((event.currentTarget as HTMLElement).nextElementSibling as HTMLInputElement | null)?.click();
  return html`<div
    part="drop-zone"
    class="drop-zone"
    @dragover=${(event: DragEvent) => event.preventDefault()}
    @drop=${onDrop}
    @paste=${onPaste}
  >
    <p>
      ${
        o.local
          ? html`${o.hint} <button type="button" @click=${browse}>${o.browse}</button
            ><input type="file" hidden ?multiple=${o.multiple} accept=${o.accept} @change=${onChange} />`
          : ''
      }
    </p>
    ${o.note ? html`<p class="note">${o.note}</p>` : ''}
  </div>`;
}
