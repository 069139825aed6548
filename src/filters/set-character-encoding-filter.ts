/**
 * org.apache.catalina.filters.SetCharacterEncodingFilter: gives requests a character encoding before their
 * parameters or body are read, for clients that send form data without a charset (Servlet spec §3.12: the
 * encoding must be set before the first read). With `ignore`, it replaces one the client declared.
 */
import type { FilterChain, FilterConfig } from '../servlet/filter.js';
import { GenericFilter } from '../servlet/generic-filter.js';
import type { ServletRequest } from '../servlet/http-servlet-request.js';
import type { ServletResponse } from '../servlet/http-servlet-response.js';
import { filterInitError, isKnownCharset, optionsAsInitParameters, readFilterInitParameters } from './filter-init-parameters.js';

/** What code may give `new SetCharacterEncodingFilter({...})`: the init-params of the same names, typed. */
export interface SetCharacterEncodingFilterOptions {
  readonly encoding?: string;
  readonly ignore?: boolean;
}

export class SetCharacterEncodingFilter extends GenericFilter {
  readonly #fromCode: ReadonlyMap<string, string>;
  #encoding: string | null = null;
  #ignore = false;

  constructor(options: SetCharacterEncodingFilterOptions = {}) {
    super();
    this.#fromCode = optionsAsInitParameters({ ...options });
    this.#configure(null);
  }

  override init(config: FilterConfig): void | Promise<void> {
    this.#configure(config);
    return super.init(config);
  }

  /** From the options alone (constructor) or with the init-params (init). */
  #configure(config: FilterConfig | null): void {
    const { encoding, ignore } = readFilterInitParameters('Filter:SetCharacterEncodingFilter', config, this.#fromCode);
    // Refused here, at start, rather than by the first request that would have used it.
    if (encoding !== undefined && !isKnownCharset(encoding)) {
      throw filterInitError(
        config?.getFilterName() ?? 'SetCharacterEncodingFilter',
        'encoding',
        encoding,
        'a character encoding Node.js can decode',
      );
    }
    this.#encoding = encoding ?? null;
    this.#ignore = ignore;
  }

  doFilter(request: ServletRequest, response: ServletResponse, chain: FilterChain): Promise<void> {
    const encoding = this.#encoding;
    if (encoding !== null && (this.#ignore || request.getCharacterEncoding() === null)) request.setCharacterEncoding(encoding);
    return chain.doFilter(request, response);
  }
}
