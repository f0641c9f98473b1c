/** Okta's body and media-type errors (REFERENCE 1.4), as the admin tests expect them. */
export const NOT_WELL_FORMED = ["E0000003", "The request body was not well-formed."] as const;
/** No Content-Type on a request that needs a body (Spring's missing header binding). */
export const HEADERS_NOT_SET = ["E0000018", "Bad request.  Accept and/or Content-Type headers are likely not set."] as const;
/** An Accept header that refuses application/json (Spring's HttpMediaTypeNotAcceptable). */
export const NOT_ACCEPTABLE = ["E0000019", "Bad request.  Accept and/or Content-Type headers likely do not match supported values."] as const;
/** A Content-Type other than application/json (Spring's HttpMediaTypeNotSupported). */
export const NOT_SUPPORTED = ["E0000021", "Bad request.  Accept and/or Content-Type headers likely do not match supported values."] as const;
