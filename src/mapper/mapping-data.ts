/** The result of mapping one request (Servlet spec §12.2; Tomcat's MappingData). Filled once, before the pipeline. */

export type MappingMatch = 'CONTEXT_ROOT' | 'DEFAULT' | 'EXACT' | 'EXTENSION' | 'PATH';

export interface MappingData<H, C, W> {
  host: H | null;
  context: C | null;
  /** The matched context path ("" for ROOT). */
  contextPath: string;
  wrapper: W | null;
  /** The servlet path of the match ("" for the context root and `/*`). */
  servletPath: string;
  pathInfo: string | null;
  matchType: MappingMatch | null;
  /** The url-pattern that matched (`/`, `*.do`, `/x/*`, `/exact`, ``). */
  pattern: string | null;
  /** Set when the Mapper wants a redirect instead (context root without `/`): the path to redirect to. */
  redirectPath: string | null;
  /** The canonical path inside the context the wrapper was chosen for (rewritten for welcome files). */
  requestPath: string;
}

export function emptyMappingData<H, C, W>(): MappingData<H, C, W> {
  return {
    host: null,
    context: null,
    contextPath: '',
    wrapper: null,
    servletPath: '',
    pathInfo: null,
    matchType: null,
    pattern: null,
    redirectPath: null,
    requestPath: '',
  };
}
