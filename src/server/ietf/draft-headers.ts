/** The IETF draft's header names a browser must be allowed to send and read (CORS). Pure. */

/** Request headers of the draft a browser must be allowed to send. */
export const DRAFT_REQUEST_HEADERS = [
  'Upload-Complete',
  'Upload-Draft-Interop-Version',
  'Content-Digest',
  'Repr-Digest',
  'Want-Repr-Digest',
  'Content-Disposition',
] as const;

/** Response headers of the draft a browser must be allowed to read. */
export const DRAFT_RESPONSE_HEADERS = [
  'Upload-Complete',
  'Upload-Draft-Interop-Version',
  'Upload-Draft-Interop-Versions',
  'Upload-Limit',
  'Repr-Digest',
] as const;
