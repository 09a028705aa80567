/**
 * English strings: the source of truth for every user-facing text. Other languages satisfy `SignetLocale`;
 * an instance can override any string through its `strings` property. `{name}` marks a value filled in.
 */
export const en = {
  openButton: 'Upload files',
  dashboardNote: '',
  options: {
    legend: 'Advanced options',
    /** The button that folds the panel away (its state is `aria-expanded`). */
    toggle: 'Advanced options',
    publicId: 'Public ID',
    tags: 'Tags',
    tagsPlaceholder: 'Type a tag and press Enter',
    removeTag: 'Remove tag {tag}',
    folder: 'Folder',
    uploadPreset: 'Upload preset',
    noPreset: 'Default',
    noneSet: 'No options set',
    lockedReason: 'These options apply to the files already chosen. Upload or clear them to change the options.',
    lockedError: 'Options cannot change while files wait in the queue; upload or clear them first.',
  },
  /** What the drop zone says it accepts, joined with " · ". */
  limits: {
    anyType: 'Any type of file',
    types: 'Accepted: {types}',
    image: 'images',
    video: 'videos',
    audio: 'audio',
    text: 'text files',
    size: 'Up to {size} each',
    oneFile: 'One file',
    files: 'Up to {count} files',
  },
  batchCancelled: {
    INVALID_PUBLIC_ID: 'The public ID is not valid, so no files were added.',
    INVALID_FOLDER_NAME: 'A folder name is not valid, so no files were added.',
    INVALID_TAG: 'A tag is not valid, so no files were added.',
    INVALID_CONTEXT: 'The context (key=value metadata) is not valid, so no files were added.',
    INVALID_UPLOAD_PRESET: 'The upload preset is not valid, so no files were added.',
    MAX_EXCEEDED: 'Too many files.',
  },
  /** The list under the drop zone: one line per file, as it ended. */
  outcomes: {
    heading: 'Results',
    uploaded: 'Uploaded',
    existing: 'Already existed',
    existingDetail:
      'A file with this public ID was already stored and was kept; this one was not saved. Choose another public ID to keep both.',
    refused: 'Not accepted',
    notAdded: 'Not added',
    failed: 'Failed',
    retry: 'Retry',
    retryLabel: 'Retry {name}',
    code: 'code {code}',
    clear: 'Clear results',
    /** The polite announcement and visible summary: parts joined with ", ". */
    summaryUploaded: '{count} uploaded',
    summaryExisting: '{count} already existed',
    summaryRefused: '{count} not accepted',
    summaryNotAdded: '{count} not added',
    summaryFailed: '{count} failed (can be retried)',
    summaryHeld: '{count} held back',
  },
  /** Files of a dropped tree whose sub-folder has a name the server refuses; the rest of the tree uploads. */
  folders: {
    held: 'Folder “{folder}” was held back ({files}): folder names may use only letters, digits, “-” and “_”.',
    fix: 'Rename to “{suggestion}” and add',
    fileOne: '1 file',
    fileMany: '{count} files',
  },
  /** Files refused before they reach the queue, by the limits the drop zone states. */
  restrictions: {
    FILE_TOO_LARGE: 'It is larger than the limit of {size}.',
    TYPE_NOT_ALLOWED: 'Files of this type are not accepted here ({types}).',
    MAX_EXCEEDED: 'Only {count} files can be uploaded at once.',
    MAX_ONE: 'Only one file can be uploaded at once.',
    DUPLICATE: 'It is already in the list.',
  },
  /** Remote sources (a link, Dropbox), in our words. */
  remote: {
    malformedUrl: 'That is not a link to a file. Paste a full address starting with https://.',
    importFailed: 'That link could not be imported. Check it and try again.',
    connectionFailed: 'The import service could not be reached. Try again in a moment.',
  },
  errors: {
    SIGNING_FAILED: 'The upload could not be authorised: the page’s signing service did not answer.',
    NETWORK_ERROR: 'The upload server could not be reached. Check the connection and try again.',
    ABORTED: 'The upload was cancelled.',
    RESTRICTED: 'This file cannot be added.',
    UNKNOWN: 'The upload failed ({status}).',
    URL_FORBIDDEN: 'That address cannot be imported: it points to a private or local network.',
    URL_UNREACHABLE: 'The file at that address could not be fetched. Check the link and try again.',
    PROVIDER_AUTH_FAILED: 'The sign-in to the file service was refused or has expired. Connect again.',
    PDF_ENCRYPTED:
      'This PDF is protected by a password, which we cannot accept. Open it, save or print it as a PDF without a password, then upload that copy.',
    PDF_UNREADABLE:
      'This PDF could not be read; it may be damaged. Save it again from the program that made it and retry.',
  },
  /** What to do about a refusal, shown after the server's message (codes whose message already says it have none). */
  advice: {
    FILE_TOO_LARGE: 'Choose a smaller file, or compress it first.',
    TYPE_NOT_ALLOWED: 'Choose a file of a type this page accepts.',
    TYPE_MISMATCH: 'Its content is not what its name says. Check that this is the file you meant.',
    IMAGE_TOO_LARGE_PIXELS: 'Scale the image down, then upload it again.',
    FORBIDDEN_FOLDER: 'Choose a folder you may upload to, or ask an administrator for access.',
    PUBLIC_ID_INVALID: 'Correct the public ID in the advanced options, then add the file again.',
    FOLDER_INVALID: 'Correct the folder in the advanced options, then add the file again.',
    TAG_INVALID: 'Correct the tags in the advanced options, then add the file again.',
    CONTEXT_INVALID: 'Correct the metadata, then add the file again.',
    UNAUTHENTICATED: 'Sign in again, then add the file again.',
    SIGNATURE_INVALID:
      'This page could not authorise the upload. Reload it; if that does not help, tell the site’s owner.',
    PARAM_NOT_ALLOWED: 'This page asked for an option it may not set. Tell the site’s owner.',
    URL_FORBIDDEN: 'Use the public address of the file.',
    PROVIDER_AUTH_FAILED: 'Then choose the file again.',
    RATE_LIMITED: 'Wait a moment, then retry.',
    STORAGE_FULL: 'The server is out of space. Retry later.',
  },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type SignetLocale = Widen<typeof en>;

/** Overrides for some strings: any group, any key. */
export type SignetStrings = {
  [K in keyof SignetLocale]?: SignetLocale[K] extends string ? string : Partial<SignetLocale[K]>;
};

/** The locale with overrides applied, group by group. */
export function withStrings(base: SignetLocale, overrides: SignetStrings): SignetLocale {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] = typeof value === 'object' && typeof current === 'object' ? { ...current, ...value } : value;
  }
  return merged as SignetLocale;
}

/** Fills `{name}` placeholders. */
export function fill(text: string, values: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
