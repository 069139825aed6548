/**
 * ExpiresFilter (Tomcat's org.apache.catalina.filters.ExpiresFilter, after Apache httpd's mod_expires): gives
 * responses of a GET or HEAD an `Expires` header and a `Cache-Control: max-age` directive, chosen by content
 * type, unless the application already decided (an Expires header, a max-age or no-store in Cache-Control) or
 * the status is excluded (304 by default).
 *
 * As in Tomcat the headers are decided just before the body starts (the first write, print, flush or close of
 * the response's stream or writer, or flushBuffer()), when the content type and Last-Modified are known but the
 * headers are not yet sent; a response without a body is handled when the chain returns.
 */
import { ContainerError } from '../errors/container-error.js';
import type { Filter, FilterChain, FilterConfig } from '../servlet/filter.js';
import { isHttpRequest, isHttpResponse } from '../servlet/http-servlet.js';
import type { HttpServletRequest, ServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse, ServletResponse } from '../servlet/http-servlet-response.js';
import { HttpServletResponseWrapper } from '../servlet/servlet-response-wrapper.js';
import type { PrintWriter, ServletOutputStream } from '../servlet/servlet-streams.js';
import {
  configurationForType,
  expirationOf,
  maxAgeOf,
  parseExpiresConfiguration,
  parseStatusList,
  type ExpiresConfiguration,
} from './expires-syntax.js';

const BY_TYPE = 'ExpiresByType';
const DEFAULT = 'ExpiresDefault';
const EXCLUDED = 'ExpiresExcludedResponseStatusCodes';
const ACTIVE = 'ExpiresActive';

/** The typed options of `new ExpiresFilter({...})`: the init-params by their names, ExpiresByType as a map. */
export interface ExpiresFilterOptions {
  /** `ExpiresByType <type>` init-params: content type (or major type) → mod_expires expression. */
  readonly ExpiresByType?: Readonly<Record<string, string>>;
  readonly ExpiresDefault?: string;
  /** Comma-separated statuses, or the list itself. Default `304`. */
  readonly ExpiresExcludedResponseStatusCodes?: string | readonly number[];
  /** `On` (default) / `Off`, or a boolean. */
  readonly ExpiresActive?: string | boolean;
  /** Epoch milliseconds now; tests inject a fixed clock. */
  readonly clock?: () => number;
}

interface ExpiresSettings {
  readonly active: boolean;
  readonly byType: ReadonlyMap<string, ExpiresConfiguration>;
  readonly fallback: ExpiresConfiguration | null;
  readonly excluded: readonly number[];
}

type Invalid = (name: string, value: string, problem: string) => ContainerError;

function expression(name: string, value: string, invalid: Invalid): ExpiresConfiguration {
  const parsed = parseExpiresConfiguration(value);
  if (!parsed.ok) throw invalid(name, value, parsed.problem);
  return parsed.value;
}

function activeFlag(value: string, invalid: Invalid): boolean {
  const lower = value.trim().toLowerCase();
  if (lower === 'on' || lower === 'true') return true;
  if (lower === 'off' || lower === 'false') return false;
  throw invalid(ACTIVE, value, 'not On, Off, true or false');
}

/** Init-params as Tomcat reads them: ExpiresByType by prefix (case-sensitive), the others by name in any case. */
function settingsOf(
  options: ExpiresFilterOptions,
  config: FilterConfig | null,
  invalid: Invalid,
  warn: (message: string) => void,
): ExpiresSettings {
  const byType = new Map<string, ExpiresConfiguration>();
  let fallback: ExpiresConfiguration | null = null;
  let excluded: readonly number[] = [304];
  let active = true;
  const excludedOf = (value: string): readonly number[] => {
    const list = parseStatusList(value);
    if (list === null) throw invalid(EXCLUDED, value, 'not a comma-separated list of integers');
    return list;
  };
  for (const name of config?.getInitParameterNames() ?? []) {
    const value = config!.getInitParameter(name) ?? '';
    if (name.startsWith(BY_TYPE)) byType.set(name.slice(BY_TYPE.length).trim().toLowerCase(), expression(name, value, invalid));
    else if (name.toLowerCase() === DEFAULT.toLowerCase()) fallback = expression(name, value, invalid);
    else if (name.toLowerCase() === EXCLUDED.toLowerCase()) excluded = excludedOf(value);
    else if (name.toLowerCase() === ACTIVE.toLowerCase()) active = activeFlag(value, invalid);
    // Tomcat logs and ignores any other name (it does not fail the filter).
    else warn(`ExpiresFilter [${config!.getFilterName()}]: unknown init parameter [${name}] ignored`);
  }
  for (const [type, value] of Object.entries(options.ExpiresByType ?? {})) {
    byType.set(type.trim().toLowerCase(), expression(`${BY_TYPE} ${type}`, value, invalid));
  }
  if (options.ExpiresDefault !== undefined) fallback = expression(DEFAULT, options.ExpiresDefault, invalid);
  const written = options.ExpiresExcludedResponseStatusCodes;
  if (written !== undefined) excluded = typeof written === 'string' ? excludedOf(written) : excludedOf(written.join(','));
  if (options.ExpiresActive !== undefined) active = activeFlag(String(options.ExpiresActive), invalid);
  return { active, byType, fallback, excluded };
}

export class ExpiresFilter implements Filter {
  readonly #options: ExpiresFilterOptions;
  readonly #clock: () => number;
  #settings: ExpiresSettings;

  constructor(options: ExpiresFilterOptions = {}) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.#settings = settingsOf(options, null, ExpiresFilter.#invalid('ExpiresFilter'), () => {});
  }

  static #invalid(filter: string): Invalid {
    return (name, value, problem) => new ContainerError('SV_ERR_EXPIRES_FILTER_INIT_PARAM', { name, filter, value, problem });
  }

  init(config: FilterConfig): void {
    const context = config.getServletContext();
    this.#settings = settingsOf(this.#options, config, ExpiresFilter.#invalid(config.getFilterName()), (message) => context.log(message));
  }

  doFilter(request: ServletRequest, response: ServletResponse, chain: FilterChain): Promise<void> {
    if (!this.#settings.active || !isHttpRequest(request) || !isHttpResponse(response) || response.isCommitted()) {
      return chain.doFilter(request, response);
    }
    return this.#filter(request, response, chain);
  }

  async #filter(request: HttpServletRequest, response: HttpServletResponse, chain: FilterChain): Promise<void> {
    const wrapped = new ExpiresResponse(response, () => this.#beforeBody(request, response));
    await chain.doFilter(request, wrapped);
    // A response without a body: decide now (Tomcat does the same when the chain returns).
    wrapped.bodyStarting();
  }

  #beforeBody(request: HttpServletRequest, response: HttpServletResponse): void {
    if (response.isCommitted()) return;
    const method = request.getMethod();
    if (method !== 'GET' && method !== 'HEAD') return;
    const cacheControl = response.getHeaders('Cache-Control');
    const joined = cacheControl.length === 0 ? null : cacheControl.join(', ');
    if (response.containsHeader('Expires') || joined?.includes('max-age') === true || joined?.includes('no-store') === true) return;
    if (this.#settings.excluded.includes(response.getStatus())) return;
    const configuration = configurationForType(this.#settings.byType, this.#settings.fallback, response.getContentType());
    if (configuration === null) return;
    const now = this.#clock();
    const lastModified = lastModifiedOf(response);
    const expires = expirationOf(configuration, now, lastModified);
    const maxAge = `max-age=${maxAgeOf(expires, now)}`;
    response.setHeader('Cache-Control', joined === null ? maxAge : `${joined}, ${maxAge}`);
    response.setDateHeader('Expires', expires);
  }
}

/**
 * The response's Last-Modified, however it was set (Tomcat reads only setDateHeader/addDateHeader; Serval's
 * DefaultServlet, like Tomcat's, sets it as text, so reading the header itself lets `modification` work for
 * static files too).
 */
function lastModifiedOf(response: HttpServletResponse): number | null {
  const value = response.getHeader('Last-Modified');
  if (value === null) return null;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/** Calls `starting` once, before the first byte of the body can leave (or when the chain returns without one). */
class ExpiresResponse extends HttpServletResponseWrapper {
  #started = false;
  readonly #starting: () => void;
  #stream: ServletOutputStream | null = null;
  #writer: PrintWriter | null = null;

  constructor(response: HttpServletResponse, starting: () => void) {
    super(response);
    this.#starting = starting;
  }

  bodyStarting(): void {
    if (this.#started) return;
    this.#started = true;
    this.#starting();
  }

  override getOutputStream(): ServletOutputStream {
    if (this.#stream === null) {
      const inner = super.getOutputStream();
      const before = (): void => this.bodyStarting();
      this.#stream = {
        write: (data) => {
          before();
          inner.write(data);
        },
        print: (value) => {
          before();
          inner.print(value);
        },
        println: (...value: [unknown?]) => {
          before();
          inner.println(...value);
        },
        flush: () => {
          before();
          return inner.flush();
        },
        close: () => {
          before();
          return inner.close();
        },
      };
    }
    return this.#stream;
  }

  override getWriter(): PrintWriter {
    if (this.#writer === null) {
      const inner = super.getWriter();
      const before = (): void => this.bodyStarting();
      this.#writer = {
        write: (text) => {
          before();
          inner.write(text);
        },
        print: (value) => {
          before();
          inner.print(value);
        },
        println: (...value: [unknown?]) => {
          before();
          inner.println(...value);
        },
        format: (template, ...args) => {
          before();
          inner.format(template, ...args);
        },
        flush: () => {
          before();
          return inner.flush();
        },
        close: () => {
          before();
          return inner.close();
        },
        checkError: () => inner.checkError(),
      };
    }
    return this.#writer;
  }

  override flushBuffer(): Promise<void> {
    this.bodyStarting();
    return super.flushBuffer();
  }
}
