/**
 * English strings: the source of truth for every user-facing text. Other languages satisfy `SignetLocale`;
 * an instance can override any string through its `strings` property.
 */
export const en = {
  openButton: 'Upload files',
  dashboardNote: '',
  options: {
    legend: 'Advanced options',
    publicId: 'Public ID',
    tags: 'Tags',
    tagsPlaceholder: 'Type a tag and press Enter',
    removeTag: 'Remove tag {tag}',
    folder: 'Folder',
    uploadPreset: 'Upload preset',
    noPreset: 'Default',
    lockedReason: 'These options apply to the files already chosen. Upload or clear them to change the options.',
    lockedError: 'Options cannot change while files wait in the queue; upload or clear them first.',
  },
  batchCancelled: {
    INVALID_PUBLIC_ID: 'The public ID is not valid, so no files were added.',
    INVALID_FOLDER_NAME: 'A folder name is not valid, so no files were added.',
    INVALID_TAG: 'A tag is not valid, so no files were added.',
    INVALID_CONTEXT: 'The context (key=value metadata) is not valid, so no files were added.',
    INVALID_UPLOAD_PRESET: 'The upload preset is not valid, so no files were added.',
    MAX_EXCEEDED: 'Too many files.',
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
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type SignetLocale = Widen<typeof en>;
