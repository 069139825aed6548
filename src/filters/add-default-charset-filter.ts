/**
 * org.apache.catalina.filters.AddDefaultCharsetFilter: adds a charset to every `text/*` Content-Type that names
 * none, so that a browser never guesses the encoding of a page (a guessed UTF-7 was an XSS vector). The
 * response is wrapped: the Content-Type is completed when the application sets it, however it sets it.
 */
import type { FilterChain, FilterConfig } from '../servlet/filter.js';
import { HttpFilter } from '../servlet/generic-filter.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';
import { HttpServletResponseWrapper } from '../servlet/servlet-response-wrapper.js';
import { filterInitError, isKnownCharset, optionsAsInitParameters, readFilterInitParameters } from './filter-init-parameters.js';

/** What code may give `new AddDefaultCharsetFilter({...})`: the init-param of the same name. */
export interface AddDefaultCharsetFilterOptions {
  /** A charset name, `default` (ISO-8859-1, Tomcat's default) or `system` (the platform's: UTF-8 on Node.js). */
  readonly encoding?: string;
}

/** Node.js has no platform charset setting: its default for text is UTF-8 (Java's Charset.defaultCharset()). */
const SYSTEM_CHARSET = 'UTF-8';
const DEFAULT_CHARSET = 'ISO-8859-1';

export class AddDefaultCharsetFilter extends HttpFilter {
  readonly #fromCode: ReadonlyMap<string, string>;
  #encoding = DEFAULT_CHARSET;

  constructor(options: AddDefaultCharsetFilterOptions = {}) {
    super();
    this.#fromCode = optionsAsInitParameters({ ...options });
    this.#configure(null);
  }

  override init(config: FilterConfig): void | Promise<void> {
    this.#configure(config);
    return super.init(config);
  }

  /** From the options alone (constructor) or with the init-params (init), as Tomcat's init resolves `default` and `system`. */
  #configure(config: FilterConfig | null): void {
    const { encoding } = readFilterInitParameters('Filter:AddDefaultCharsetFilter', config, this.#fromCode);
    if (encoding.toLowerCase() === 'default') this.#encoding = DEFAULT_CHARSET;
    else if (encoding.toLowerCase() === 'system') this.#encoding = SYSTEM_CHARSET;
    else if (isKnownCharset(encoding)) this.#encoding = encoding;
    else {
      const filter = config?.getFilterName() ?? 'AddDefaultCharsetFilter';
      throw filterInitError(filter, 'encoding', encoding, 'a character encoding Node.js can decode, default or system');
    }
  }

  protected override doFilterHttp(request: HttpServletRequest, response: HttpServletResponse, chain: FilterChain): Promise<void> {
    return chain.doFilter(request, new DefaultCharsetResponse(response, this.#encoding));
  }
}

/** Tomcat's AddDefaultCharsetFilter.ResponseWrapper. */
class DefaultCharsetResponse extends HttpServletResponseWrapper {
  #encoding: string;

  constructor(response: HttpServletResponse, encoding: string) {
    super(response);
    this.#encoding = encoding;
  }

  override setContentType(type: string | null): void {
    if (type === null || !type.startsWith('text/')) {
      super.setContentType(type);
    } else if (type.includes('charset=')) {
      super.setContentType(type);
      this.#encoding = this.getCharacterEncoding();
    } else {
      super.setContentType(`${type};charset=${this.#encoding}`);
    }
  }

  override setHeader(name: string, value: string | null): void {
    if (name.trim().toLowerCase() === 'content-type') this.setContentType(value);
    else super.setHeader(name, value);
  }

  override addHeader(name: string, value: string): void {
    if (name.trim().toLowerCase() === 'content-type') this.setContentType(value);
    else super.addHeader(name, value);
  }

  override setCharacterEncoding(encoding: string): void {
    super.setCharacterEncoding(encoding);
    this.#encoding = encoding;
  }
}
