/**
 * RFC 6749 4.1.2.1: error_description is limited to %x20-21 / %x23-5B / %x5D-7E. Descriptions sent to a redirect
 * URI are fixed texts (security finding 7: the request's own values are never echoed); this is the last guard, so
 * that no quote, backslash, control or non-ASCII character ever reaches a client's page through one.
 */
export function safeErrorDescription(description: string): string {
  return description.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, "?");
}
