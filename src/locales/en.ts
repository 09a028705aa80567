/**
 * English strings: the source of truth for every user-facing text. Other languages (de.ts, fr.ts, ar.ts) satisfy
 * `SignetLocale` and load only when asked for (locales/index.ts); an instance can override any string through its
 * `strings` property. `{name}` marks a value filled in; numbers are formatted for the element's locale.
 * Pure data: the reference server imports it too (through `signet-upload/protocol`).
 */
import type { UploadErrorCode } from '../errors.js';
import { enPage } from './en-page.js';

export const en = {
  ...enPage,
  batchCancelled: {
    INVALID_PUBLIC_ID: 'The public ID is not valid, so no files were added.',
    INVALID_FOLDER_NAME: 'A folder name is not valid, so no files were added.',
    INVALID_TAG: 'A tag is not valid, so no files were added.',
    INVALID_CONTEXT: 'The context (key=value metadata) is not valid, so no files were added.',
    INVALID_UPLOAD_PRESET: 'The upload preset is not valid, so no files were added.',
    MAX_EXCEEDED: 'Too many files.',
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
  /**
   * What the person reads for each error code, whatever the server's own (English) message said: every code a
   * server or the browser can report. `advice` below adds what to do.
   */
  errors: {
    SIGNATURE_INVALID: 'The upload was refused: its authorisation did not match.',
    SIGNATURE_EXPIRED: 'The upload’s authorisation expired before it arrived.',
    SIGNATURE_REPLAYED: 'The upload’s authorisation had already been used.',
    PARAM_NOT_ALLOWED: 'The upload asked for an option this server does not allow.',
    PARAM_DUPLICATE: 'The upload named an option twice.',
    PARAM_INVALID: 'The upload carried an option the server could not read.',
    UNAUTHENTICATED: 'You are not signed in, or your session has ended.',
    FORBIDDEN_FOLDER: 'You may not upload to this folder.',
    CSRF_FAILED: 'The request did not come from this page, so it was refused.',
    HOST_NOT_ALLOWED: 'The upload server does not serve this address.',
    RATE_LIMITED: 'Too many uploads in a short time.',
    FILE_TOO_LARGE: 'It is larger than the server accepts.',
    FILE_MISSING: 'No file arrived with the upload.',
    TYPE_NOT_ALLOWED: 'Files of this type are not accepted.',
    TYPE_MISMATCH: 'Its content does not match its name or type.',
    PUBLIC_ID_INVALID: 'The public ID is not valid.',
    FOLDER_INVALID: 'The folder name is not valid.',
    TAG_INVALID: 'A tag is not valid.',
    CONTEXT_INVALID: 'The metadata is not valid.',
    IMAGE_TOO_LARGE_PIXELS: 'The image has more pixels than the server accepts.',
    PDF_ENCRYPTED:
      'This PDF is protected by a password, which we cannot accept. Open it, save or print it as a PDF without a password, then upload that copy.',
    PDF_UNREADABLE:
      'This PDF could not be read; it may be damaged. Save it again from the program that made it and retry.',
    URL_FORBIDDEN: 'That address cannot be imported: it points to a private or local network.',
    URL_UNREACHABLE: 'The file at that address could not be fetched. Check the link and try again.',
    PROVIDER_AUTH_FAILED: 'The sign-in to the file service was refused or has expired. Connect again.',
    CHUNK_INVALID: 'A part of the file arrived damaged or out of place.',
    CHUNK_FORBIDDEN: 'A part of the file was refused.',
    UPLOAD_EXPIRED: 'The upload took too long and was discarded.',
    STORAGE_FULL: 'The server could not store the file.',
    REQUEST_TIMEOUT: 'The upload took too long to arrive.',
    BAD_REQUEST: 'The server could not understand the upload.',
    NOT_FOUND: 'The upload address was not found.',
    METHOD_NOT_ALLOWED: 'The upload address does not take uploads.',
    INTERNAL: 'The server had a problem with this upload.',
    SIGNING_FAILED: 'The upload could not be authorised: the page’s signing service did not answer.',
    NETWORK_ERROR: 'The upload server could not be reached. Check the connection and try again.',
    ABORTED: 'The upload was cancelled.',
    RESTRICTED: 'This file cannot be added.',
    OPTIONS_LOCKED: 'Options cannot change while files wait in the queue; upload or clear them first.',
    IMAGE_DIMENSIONS: 'The image’s size in pixels is not what this page accepts.',
    /** A response without a code (a proxy, another server): `{status}` is its HTTP status. */
    UNKNOWN: 'The upload failed ({status}).',
  } satisfies Record<UploadErrorCode | 'UNKNOWN', string>,
  /** What to do about a refusal, shown after the message (codes whose message already says it have none). */
  advice: {
    IMAGE_DIMENSIONS: 'Choose an image of the size this page asks for.',
    FILE_TOO_LARGE: 'Choose a smaller file, or compress it first.',
    TYPE_NOT_ALLOWED: 'Choose a file of a type this page accepts.',
    TYPE_MISMATCH: 'Check that this is the file you meant, saved in the format its name says.',
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
  /** What the browser did to a photo before upload (metadata removed, `max-image-width`…), on its result line. */
  photos: {
    location: 'Location removed before upload.',
    locationAndDevice: 'Location and device details removed before upload.',
    device: 'Device details removed before upload.',
    other: 'Personal metadata removed before upload.',
    resized: 'Resized from {from} to {to} pixels before upload.',
    tooSmall: 'The image is {size} pixels; this page needs at least {min}.',
    tooLarge: 'The image is {size} pixels; this page takes at most {max}.',
    cropBox: 'Crop area. Arrow keys move it; Shift with arrow keys changes its size.',
    converted: 'Converted from HEIC to JPEG before upload, without its metadata.',
  },
  /** Why a run is not moving, in its summary (the live region) until bytes move again. */
  network: {
    offline: 'You are offline. The uploads go on when the connection is back.',
    retrying: 'The connection was lost. Trying again…',
  },
  /** Chunked uploads a reload (or a closed tab) left unfinished (uploader/unfinished.ts), offered on the next visit. */
  resume: {
    one: 'An upload did not finish: {names}.',
    many: '{count} uploads did not finish: {names}.',
    hintOne: 'Choose the same file again to continue where it stopped.',
    hint: 'Choose the same files again to continue where they stopped.',
    chooseOne: 'Choose the file to resume',
    choose: 'Choose files to resume',
    discard: 'Discard',
  },
  /**
   * Uppy's own words (its Dashboard, status bar and link import), over Uppy's published locale for the language
   * (`@uppy/locales`): where we say it differently (no product names) and what a pack leaves untranslated or gets
   * wrong. Uppy's import errors are ours already: `remote` above (see locales/index.ts).
   */
  uppy: {
    dashboardTitle: 'File uploader',
    dashboardWindowTitle: 'File uploader',
  } as Readonly<Record<string, string>>,
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type SignetLocale = Widen<typeof en>;

/** Overrides for some strings: any group, any key. */
export type SignetStrings = {
  [K in keyof SignetLocale]?: SignetLocale[K] extends string ? string : Partial<SignetLocale[K]>;
};
