/**
 * English strings: the source of truth for every user-facing text. Other languages satisfy `SignetLocale`;
 * an instance can override any string through its `strings` property.
 */
export const en = {
  openButton: 'Upload files',
  dashboardNote: '',
  errors: {
    SIGNING_FAILED: 'The upload could not be authorised: the page’s signing service did not answer.',
    NETWORK_ERROR: 'The upload server could not be reached. Check the connection and try again.',
    ABORTED: 'The upload was cancelled.',
    RESTRICTED: 'This file cannot be added.',
    UNKNOWN: 'The upload failed ({status}).',
  },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type SignetLocale = Widen<typeof en>;
