/**
 * RewriteValve (Tomcat's org.apache.catalina.valves.rewrite.RewriteValve): mod_rewrite rules from
 * `WEB-INF/rewrite.config` (valve on a Context), `conf/<Engine>/<Host>/rewrite.config` (valve on a Host), or the
 * valve's `configuration` attribute when there is no such file, read when the valve starts (as Tomcat: a webapp
 * reload or a restart picks up an edited file).
 *
 * A rule can answer the request (F 403, G 410, R a redirect), change the response (CO a cookie, E a request
 * attribute, T the content type), or rewrite the URL, the query string or (H) the host name. A rewritten request is
 * canonicalised and mapped again by the connector, exactly as on arrival, and runs through the Engine pipeline from
 * the start (Request.reprocess()), where this valve lets it pass once. Rules see the decoded path the Mapper saw
 * (within the webapp for a Context valve), with literal `%`, `;` and `?` in %nn form (rewrite-encoding.ts).
 *
 * The N flag restarts the rules; `maxPasses` bounds how often one request may run them, so looping rules end in a
 * 500 and one log line per request instead of a hung request.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { resolveAttributes } from '../config/attribute-values.js';
import type { AttributeValue, SourceLocation } from '../config/server-config.js';
import type { Context } from '../core/context.js';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { ContainerValveBase, type ContainerValve, type ValveResult } from '../core/valve.js';
import { ConfigError, ContainerError } from '../errors/container-error.js';
import { logCoded } from '../logging/logger.js';
import { Cookie } from '../servlet/cookie.js';
import { decodePercent, encodeForRewrite, encodeRewritePath, encodeRewriteQuery } from './rewrite-encoding.js';
import { rewriteMapSource, textOf } from './rewrite-maps.js';
import { evaluateRule, parseRewriteConfig, SERVER_VARIABLES, type RewriteResolver, type RewriteRule } from './rewrite-rules.js';

export const REWRITE_VALVE_CLASS = 'org.apache.catalina.valves.rewrite.RewriteValve';

const ELEMENT = 'Valve[RewriteValve]';
const CONFIG_FILE = 'rewrite.config';
/** The valves that rewrote this request and must let its next pass through once (Tomcat's `invoked` flag). */
const NOTE_REWRITTEN_BY = 'serval.rewrite.rewrittenBy';

export interface RewriteValveOptions {
  readonly catalinaBase: string;
  readonly logger: Logger;
  /** Where the valve was declared: names the `configuration` attribute in errors. */
  readonly location?: SourceLocation;
}

interface ContainerLike {
  readonly componentName: string;
  readonly containerType?: string;
  readonly name?: string;
  readonly parent?: ContainerLike | null;
}

type Outcome = 'answered' | 'next' | 'skip-next' | 'reprocess';

export class RewriteValve extends ContainerValveBase {
  readonly #enabled: boolean;
  readonly #configuration: string | undefined;
  readonly #maxPasses: number;
  readonly #catalinaBase: string;
  readonly #logger: Logger;
  readonly #location: SourceLocation | undefined;
  #rules: readonly RewriteRule[] = [];
  /** On a Context, rules see the path within the webapp and redirects get the context path back. */
  #inContext = false;

  constructor(attributes: Readonly<Record<string, AttributeValue>>, options: RewriteValveOptions) {
    super();
    const { enabled, configuration, maxPasses } = resolveAttributes('Valve:RewriteValve', attributes, ELEMENT);
    this.#enabled = enabled;
    this.#configuration = configuration;
    this.#maxPasses = maxPasses;
    this.#catalinaBase = options.catalinaBase;
    this.#logger = options.logger;
    this.#location = options.location;
  }

  /** The rules in force (for tests and diagnostics). */
  get rules(): readonly RewriteRule[] {
    return this.#rules;
  }

  protected override async startInternal(): Promise<void> {
    const source = this.#readConfiguration();
    this.#rules = [];
    if (source !== null) {
      const parsed = parseRewriteConfig(source.text, source.file, rewriteMapSource(this.#catalinaBase));
      for (const { line, name } of parsed.unknownVariables) {
        logCoded(this.#logger, 'warn', {
          code: 'SV_MSG_REWRITE_UNKNOWN_VARIABLE',
          params: { file: source.file, line, name, known: SERVER_VARIABLES.join(', ') },
        });
      }
      this.#rules = parsed.rules;
    }
    this.setState('STARTING');
  }

  /** The rules' text and the name errors give it: the file when it exists, else the `configuration` attribute. */
  #readConfiguration(): { text: string; file: string } | null {
    const container: ContainerLike | null = this.container;
    this.#inContext = container?.containerType === 'Context';
    if (this.#inContext) {
      const resources = (container as unknown as Context).applicationContext.resources;
      const path = `/WEB-INF/${CONFIG_FILE}`;
      const file = resources.realPath(path) ?? `${resources.base}${path}`;
      if (resources.stat(path)?.isFile === true) return { text: this.#read(file, () => resources.readFile(path)), file };
    } else if (container?.containerType === 'Host') {
      const engine = container.parent?.name ?? '';
      const file = join(this.#catalinaBase, 'conf', engine, container.name ?? '', CONFIG_FILE);
      let text: string | null = null;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.#read(file, () => readFileSync(file));
      }
      if (text !== null) return { text, file };
    }
    if (this.#configuration === undefined) return null;
    const where = this.#location === undefined ? ELEMENT : `${this.#location.file}:${this.#location.line} ${this.#location.path}`;
    return { text: this.#configuration, file: `${where} attribute configuration` };
  }

  #read(file: string, read: () => Buffer | string): string {
    try {
      const content = read();
      return typeof content === 'string' ? content : content.toString('utf8');
    } catch (error) {
      throw new ConfigError('SV_ERR_REWRITE_CONFIG_READ', { file, detail: (error as Error).message }, { cause: error });
    }
  }

  invoke(request: Request, response: Response): ValveResult {
    const next = this.next as ContainerValve;
    if (!this.#enabled || this.#rules.length === 0) return next.invoke(request, response);
    const rewrittenBy = request.getNote(NOTE_REWRITTEN_BY) as Set<RewriteValve> | undefined;
    if (rewrittenBy?.delete(this) === true) return next.invoke(request, response);
    let outcome: Outcome;
    try {
      outcome = this.#apply(request, response);
    } catch (error) {
      this.#failed(request, response, error);
      return;
    }
    switch (outcome) {
      case 'answered':
        // Tomcat still runs the rest of the pipeline behind an F, G or R answer (its output discarded); Serval
        // stops here, so no servlet runs for a request the rules refused.
        return;
      case 'next':
        return next.invoke(request, response);
      case 'skip-next':
        // VS: the valve after this one is skipped (Tomcat 10.1's valveSkip), unless it is the basic valve.
        return (next.next ?? next).invoke(request, response);
      case 'reprocess': {
        const by = rewrittenBy ?? new Set<RewriteValve>();
        by.add(this);
        request.setNote(NOTE_REWRITTEN_BY, by);
        return request.reprocess();
      }
    }
  }

  #failed(request: Request, response: Response, error: unknown): void {
    logCoded(
      this.#logger,
      'error',
      new ContainerError(
        'SV_ERR_REWRITE_FAILED',
        {
          container: this.container?.componentName ?? '',
          uri: request.getRequestURI(),
          detail: (error as Error)?.message ?? String(error),
        },
        { cause: error },
      ),
    );
    if (!response.isCommitted()) {
      response.reset();
      response.sendError(500);
    }
  }

  /** Runs the rules (Tomcat's RewriteValve.invoke loop) and says what happens to the request next. */
  #apply(request: Request, response: Response): Outcome {
    const rules = this.#rules;
    const resolver = resolverFor(request);
    const originalQuery = request.getQueryString();
    let url = encodeForRewrite(this.#inContext ? request.mappingData.requestPath : request.getDecodedRequestURI());
    const originalHost = request.getServerName();
    let host = originalHost;
    let rewritten = false;
    let qsa = false;
    let qsd = false;
    let valveSkip = false;
    let passes = 1;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as RewriteRule;
      const test = rule.host ? host : url;
      const result = evaluateRule(rule, test, resolver);
      if (result === null) {
        if (rule.chain) {
          // A chained rule that does not match skips the rest of its chain (the rule after it ends the chain).
          while (i < rules.length && (rules[i] as RewriteRule).chain) i++;
        }
        continue;
      }
      if (result.value !== test) {
        if (rule.host) host = result.value;
        else url = result.value;
        rewritten = true;
      }
      qsa ||= rule.qsappend;
      qsd ||= rule.qsdiscard;
      valveSkip ||= rule.valveSkip;
      if (rule.forbidden) {
        response.sendError(403);
        return 'answered';
      }
      if (rule.gone) {
        response.sendError(410);
        return 'answered';
      }
      if (rule.redirect !== 0) {
        this.#redirect(request, response, rule, url, originalQuery, qsa, qsd);
        return 'answered';
      }
      if (rule.cookie !== null) response.addCookie(cookieOf(rule, result.cookieValue ?? ''));
      for (const [name, value] of result.env) request.setAttribute(name, value);
      if (rule.type !== null) response.setContentType(rule.type);
      if (rule.last) break;
      if (rule.next) {
        if (++passes > this.#maxPasses) {
          this.#tooManyPasses(request, response, passes);
          return 'answered';
        }
        // mod_rewrite's N: start again from the first rule, with the URL as rewritten so far.
        i = -1;
        continue;
      }
      i += rule.skip;
    }
    if (!rewritten) return valveSkip ? 'skip-next' : 'next';
    this.#rewriteTarget(request, url, host === originalHost ? null : host, originalQuery, qsa, qsd);
    return 'reprocess';
  }

  #tooManyPasses(request: Request, response: Response, passes: number): void {
    logCoded(
      this.#logger,
      'error',
      new ContainerError('SV_ERR_REWRITE_TOO_MANY_PASSES', {
        container: this.container?.componentName ?? '',
        passes: passes - 1,
        uri: request.getRequestURI(),
        maxPasses: this.#maxPasses,
      }),
    );
    response.sendError(500);
  }

  /** R: the Location as Tomcat builds it (query kept, appended (QSA) or dropped (QSD); the context path put back). */
  #redirect(
    request: Request,
    response: Response,
    rule: RewriteRule,
    url: string,
    originalQuery: string | null,
    qsa: boolean,
    qsd: boolean,
  ): void {
    const q = url.indexOf('?');
    const rewrittenQuery = q < 0 ? null : url.slice(q + 1);
    let location = encodeRewritePath(q < 0 ? url : url.slice(0, q));
    if (!qsd && originalQuery !== null && originalQuery !== '') {
      if (rewrittenQuery === null) location += `?${originalQuery}`;
      else if (qsa) location += `?${encodeRewriteQuery(rewrittenQuery)}&${originalQuery}`;
      else location += `?${encodeRewriteQuery(rewrittenQuery)}`;
    } else if (rewrittenQuery !== null) {
      location += `?${encodeRewriteQuery(rewrittenQuery)}`;
    }
    if (this.#inContext && location.startsWith('/') && !HAS_SCHEME.test(location)) {
      location = encodeRewritePath(request.getContextPath()) + location;
    }
    response.sendRedirect(rule.noescape ? decodePercent(location) : location, rule.redirect);
  }

  /** An internal rewrite: the new URI (encoded), query and host, for the connector to map again. */
  #rewriteTarget(request: Request, url: string, host: string | null, originalQuery: string | null, qsa: boolean, qsd: boolean): void {
    const q = url.indexOf('?');
    const path = encodeRewritePath(q < 0 ? url : url.slice(0, q));
    let query: string | null;
    if (q < 0) {
      // No new query string: the original stays, unless QSD drops it.
      query = qsd ? '' : originalQuery;
    } else {
      // A new one replaces it, unless QSA appends the original (QSD wins over QSA).
      query = encodeRewriteQuery(url.slice(q + 1));
      if (qsa && originalQuery !== null && originalQuery !== '') query += `&${originalQuery}`;
    }
    const contextPath = this.#inContext ? encodeRewritePath(request.getContextPath()) : '';
    request.rewriteTarget(contextPath + path, query, host);
  }
}

const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

function cookieOf(rule: RewriteRule, value: string): Cookie {
  const spec = rule.cookie as NonNullable<RewriteRule['cookie']>;
  const cookie = new Cookie(spec.name, value);
  cookie.setDomain(spec.domain);
  cookie.setMaxAge(spec.maxAge);
  cookie.setPath(spec.path);
  cookie.setSecure(spec.secure);
  cookie.setHttpOnly(spec.httpOnly);
  return cookie;
}

/** The request as rules see it (Tomcat's ResolverImpl). */
function resolverFor(request: Request): RewriteResolver {
  return {
    variable: (name) => serverVariable(request, name),
    env: (name) => {
      return textOf(request.getAttribute(name));
    },
    http: (name) => request.getHeader(name) ?? '',
    ssl: (name) => sslVariable(request, name),
    resource: (kind, path) => {
      const context = request.mappingData.context;
      if (context === null) return false;
      try {
        const stat = context.applicationContext.resources.stat(path);
        if (stat === null) return false;
        return kind === 'd' ? stat.isDirectory : kind === 'f' ? stat.isFile : stat.isFile && stat.size > 0;
      } catch {
        // A path the resources refuse (above the root…) is not there.
        return false;
      }
    },
  };
}

function realPath(request: Request, path: string): string | null {
  return request.mappingData.context?.servletContext.getRealPath(path) ?? null;
}

function serverVariable(request: Request, name: string): string | null {
  const now = (): Date => new Date();
  switch (name) {
    case 'HTTP_USER_AGENT':
      return request.getHeader('user-agent');
    case 'HTTP_REFERER':
      return request.getHeader('referer');
    case 'HTTP_COOKIE':
      return request.getHeader('cookie');
    case 'HTTP_FORWARDED':
      return request.getHeader('forwarded');
    case 'HTTP_HOST':
      // As Tomcat: the server name, whether it came from the Host header or the request line.
      return request.getServerName();
    case 'HTTP_PROXY_CONNECTION':
      return request.getHeader('proxy-connection');
    case 'HTTP_ACCEPT':
      return request.getHeader('accept');
    case 'REMOTE_ADDR':
      return request.getRemoteAddr();
    case 'REMOTE_HOST':
      return request.getRemoteHost();
    case 'REMOTE_PORT':
      return String(request.getRemotePort());
    case 'REMOTE_USER':
    case 'REMOTE_IDENT':
      return request.getRemoteUser();
    case 'REQUEST_METHOD':
      return request.getMethod();
    case 'SCRIPT_FILENAME':
      return realPath(request, request.getServletPath());
    case 'REQUEST_PATH':
      return request.mappingData.requestPath;
    case 'CONTEXT_PATH':
      return request.getContextPath();
    case 'SERVLET_PATH':
      return request.getServletPath();
    case 'PATH_INFO':
      return request.getPathInfo() ?? '';
    case 'QUERY_STRING':
      return request.getQueryString() ?? '';
    case 'AUTH_TYPE':
      return request.getAuthType();
    case 'DOCUMENT_ROOT':
      return realPath(request, '/');
    case 'SERVER_NAME':
      return request.getLocalName();
    case 'SERVER_ADDR':
      return request.getLocalAddr();
    case 'SERVER_PORT':
      return String(request.getLocalPort());
    case 'SERVER_PROTOCOL':
      return request.getProtocol();
    case 'SERVER_SOFTWARE':
      // Tomcat's value, kept so that rules written for it behave the same.
      return 'tomcat';
    case 'THE_REQUEST':
      return `${request.getMethod()} ${request.getRequestURI()} ${request.getProtocol()}`;
    case 'REQUEST_URI':
      return request.getRequestURI();
    case 'REQUEST_FILENAME':
      return request.getPathTranslated();
    case 'HTTPS':
      return request.isSecure() ? 'on' : 'off';
    // Local time, unpadded, with Java Calendar's numbering as Tomcat gives it: months 0-11, week days 1 (Sunday)-7.
    case 'TIME_YEAR':
      return String(now().getFullYear());
    case 'TIME_MON':
      return String(now().getMonth());
    case 'TIME_DAY':
      return String(now().getDate());
    case 'TIME_HOUR':
      return String(now().getHours());
    case 'TIME_MIN':
      return String(now().getMinutes());
    case 'TIME_SEC':
      return String(now().getSeconds());
    case 'TIME_WDAY':
      return String(now().getDay() + 1);
    case 'TIME':
      return now().toUTCString();
    default:
      return null;
  }
}

/** %{SSL:…}: the TLS properties the connector exposes as request attributes. */
function sslVariable(request: Request, name: string): string | null {
  const attribute = (key: string): string | null => {
    return textOf(request.getAttribute(`jakarta.servlet.request.${key}`));
  };
  switch (name) {
    case 'HTTPS':
      return String(request.isSecure());
    case 'SSL_PROTOCOL':
      return attribute('secure_protocol');
    case 'SSL_CIPHER':
      return attribute('cipher_suite');
    case 'SSL_SESSION_ID':
      return attribute('ssl_session_id');
    case 'SSL_CIPHER_USEKEYSIZE':
      return attribute('key_size');
    default:
      return null;
  }
}
