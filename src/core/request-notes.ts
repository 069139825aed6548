/** Names of the container's own per-request notes (never request attributes: protocol input cannot set them). */

/** The error a servlet or filter threw, recorded by the wrapper valve for the error-page machinery. */
export const NOTE_EXCEPTION = 'serval.exception';
/** Set once an error page has been rendered for the request, so nothing renders twice. */
export const NOTE_ERROR_PAGE_DONE = 'serval.errorPageDone';
