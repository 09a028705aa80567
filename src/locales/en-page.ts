/**
 * English for what the element draws before Uppy has loaded (the drop zone, the dialog, the options panel, the form's
 * messages, restored results): the page's eager part carries only these. The rest of English (en.ts) loads with
 * Uppy, as other languages load when asked for. Each string is written once, here or in en.ts.
 */
export const enPage = {
  /** The BCP 47 tag these strings are in; the element's `locale` (when it names a region too) replaces it. */
  language: 'en',
  /** How the language is written; used when the page declares no `dir` around the element. */
  direction: 'ltr',
  openButton: 'Upload files',
  dashboardNote: '',
  /** The light drop zone shown until the uploader has loaded (it loads when a person points at it or focuses it). */
  dropZone: { hint: 'Drop files here or', browse: 'browse files' },
  /** `mode="modal"`: the native dialog around the uploader. */
  dialog: {
    title: 'Upload files',
    close: 'Close',
    busyTitle: 'Files are still uploading',
    busyText: 'If you close this window they keep uploading, and their results show under the button.',
    keepUploading: 'Close and keep uploading',
    stopUploads: 'Stop the uploads and close',
    stay: 'Go back',
  },
  /** The element as a form control (`name`): why a form cannot be sent yet. */
  form: {
    required: 'Upload at least one file.',
    uploading: 'Files are still uploading. Wait until they finish, then send the form again.',
    pending: 'Some chosen files are not uploaded yet. Upload or remove them, then send the form again.',
  },
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
  /** What a value typed in the options may be (the rules of protocol/rules.ts, by code). */
  rules: {
    PUBLIC_ID_INVALID:
      'A public ID may use letters, digits, “_”, “-” and “.”, in parts separated by single “/”, up to {publicIdLength} characters.',
    FOLDER_INVALID:
      'A folder may use only letters, digits, “-” and “_”, in parts separated by single “/”, up to {folderLength} characters.',
    TAG_INVALID: 'A tag has 1 to {tagLength} characters without “,” or “|”; at most {tagCount} tags.',
    CONTEXT_INVALID:
      'Metadata looks like key=value|key2=value2; keys use letters, digits, “_”, “-” and “.”; at most {contextLength} characters.',
    /** The options' only PARAM_INVALID: an upload preset's name. */
    PARAM_INVALID: 'An upload preset name uses letters, digits, “_” and “-” only.',
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
    /** Takes an uploaded file out of the form's value (the element is a form field: it has a `name`). */
    remove: 'Remove',
    removeLabel: 'Remove {name}',
    /** With `return-delete-token`: deletes a file just uploaded from the server (within 10 minutes of its upload). */
    delete: 'Delete',
    deleteLabel: 'Delete {name} from the server',
    code: 'code {code}',
    clear: 'Clear results',
    /** The polite announcement while a run uploads (once per run), then the summary below. */
    uploadingOne: 'Uploading 1 file…',
    uploadingMany: 'Uploading {count} files…',
    /** The polite announcement and visible summary: parts joined with ", ". */
    summaryUploaded: '{count} uploaded',
    summaryExisting: '{count} already existed',
    summaryRefused: '{count} not accepted',
    summaryNotAdded: '{count} not added',
    summaryFailed: '{count} failed (can be retried)',
    summaryHeld: '{count} held back',
  },
} as const;
