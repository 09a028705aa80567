/**
 * What <signet-uploader> submits as a form control: one entry per uploaded file, its delivery URL or its JSON result,
 * and the state the browser keeps to restore it (back/forward, a restored session). Pure; the element wires it.
 */
import type { FileSummary } from '../events/file-summary.js';
import type { UploadApiResponse } from '../protocol/params.js';

/** `url`: the delivery URL (`secure_url`); `json`: the upload's whole JSON result, as a string. */
export type ValueFormat = 'url' | 'json';

/** A file that is part of the value: uploaded (or, with `existing-as-success`, found already stored). */
export interface Attachment {
  file: FileSummary;
  response: UploadApiResponse;
}

const STATE_VERSION = 1;

export const FormValue = {
  /** The entries, in the order the files were added. */
  entries(attachments: readonly Attachment[], format: ValueFormat): string[] {
    return attachments.map(({ response }) => (format === 'json' ? JSON.stringify(response) : response.secure_url));
  },

  /** The browser keeps this string with the page's history entry and hands it back to `formStateRestoreCallback`. */
  state(attachments: readonly Attachment[]): string {
    return JSON.stringify({ v: STATE_VERSION, files: attachments });
  },

  /** The attachments in a state this element saved; [] for anything else (another version, a stranger's string). */
  parse(state: unknown): Attachment[] {
    if (typeof state !== 'string') return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(state);
    } catch {
      return [];
    }
    const { v, files } = (parsed ?? {}) as { v?: unknown; files?: unknown };
    if (v !== STATE_VERSION || !Array.isArray(files)) return [];
    return files.filter(isAttachment);
  },
};

function isAttachment(value: unknown): value is Attachment {
  const { file, response } = (value ?? {}) as Partial<Attachment>;
  return (
    typeof file?.id === 'string' &&
    typeof file.name === 'string' &&
    typeof response?.public_id === 'string' &&
    typeof response.secure_url === 'string'
  );
}
