/** The container's view of a response: the servlet API plus completion and error state for valves. */
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';

export interface Response extends HttpServletResponse {
  /** What webapp code is handed for this response: the Servlet API and nothing else (facade/response-facade.ts). */
  readonly facade: HttpServletResponse;
  /** Body bytes sent to the client so far (after the response completes: the whole body). */
  getBytesWritten(): number;
  /** True when sendError was called (the error page machinery still has to render it). */
  isError(): boolean;
  getErrorMessage(): string | null;
  /** Clears the error flag so an error page can write the body (Tomcat's setErrorReported). */
  setErrorReported(): void;
  isErrorReported(): boolean;
  /** Once suspended, further writes are ignored (after forward, sendError, sendRedirect). */
  setSuspended(suspended: boolean): void;
  isSuspended(): boolean;
  /**
   * Asks this response to note the time it commits (AccessLog %F). Off unless asked: the clock read costs
   * ~300 instructions a response, and only an access log printing %F wants it.
   */
  recordCommitTime(): void;
  /** hrtime when the response was committed; null before that, or when nobody asked (recordCommitTime()). */
  getCommitTime(): bigint | null;
  /** Flushes what is buffered and ends the exchange (once; later calls are no-ops). */
  finish(): Promise<void>;
  /** The Content-Length the application declared, or -1. */
  getContentLengthDeclared(): number;
}
