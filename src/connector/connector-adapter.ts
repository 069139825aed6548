/**
 * The Adapter between a protocol and the container (Tomcat's CoyoteAdapter): builds the Request and
 * Response, canonicalises and maps the URI once, runs the Engine pipeline, finishes the response and
 * writes the access log.
 */
import { logCoded } from '../logging/logger.js';
import type { Logger } from 'pino';
import type { Http11ConnectorConfig } from '../config/server-config.js';
import type { Context } from '../core/context.js';
import type { Service } from '../core/service.js';
import type { AnyValve, Pipeline } from '../core/pipeline.js';
import { isPending, type ValveResult } from '../core/valve.js';
import { ContainerError } from '../errors/container-error.js';
import { canonicalizeUri, splitRequestTarget, type CanonicalizeOptions } from '../mapper/uri-canonicalizer.js';
import { matchHostConfig } from '../net/tls-context.js';
import type { Adapter, Exchange, RejectedRequest } from '../protocol/exchange.js';
import type { ManagedSession } from '../session/session-manager.js';
import { renderErrorPage } from '../core/error-report.js';
import { ContainerRequest, type RequestReprocessor } from './container-request.js';
import { ContainerResponse } from './container-response.js';
import { validateHeaderValue } from './header-validation.js';
import type { Connector } from './connector.js';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';

/** A valve that writes access-log lines; the adapter calls it once the response is complete. */
interface AccessLog {
  log(request: Request, response: Response): void;
  logRejected(rejected: RejectedRequest): void;
}

export class ConnectorAdapter implements Adapter, RequestReprocessor {
  readonly #connector: Connector;
  readonly #service: Service;
  readonly #logger: Logger;
  readonly #canonicalizeOptions: CanonicalizeOptions;
  /** The connector's `server` value, checked once as every other response field is (header-validation.ts). */
  readonly #serverHeader: string | undefined;
  /** strictSni on a TLS connector: SSLHostConfig hostNames (lower-case) and the default one; else null. */
  readonly #strictSni: { readonly names: ReadonlyMap<string, string>; readonly defaultName: string } | null;

  constructor(connector: Connector, service: Service, logger: Logger) {
    this.#connector = connector;
    this.#service = service;
    this.#logger = logger;
    this.#serverHeader = connector.config.server === undefined ? undefined : validateHeaderValue('Server', connector.config.server);
    const config = connector.config;
    this.#canonicalizeOptions = {
      encodedSolidusHandling: config.encodedSolidusHandling,
      allowBackslash: config.allowBackslash,
      rejectSuspiciousURIs: config.rejectSuspiciousURIs,
      uriEncoding: config.URIEncoding,
    };
    this.#strictSni = config.protocol === 'http11' && config.strictSni ? strictSniOf(config) : null;
  }

  /**
   * Not `async`: mapping, the form-body check and the pipeline usually finish synchronously, and each await of
   * settled work would cost a promise and a microtask per request. Only the response's end (the bytes leave
   * at the end of the event-loop turn) and steps that are really still running are waited for.
   */
  service(exchange: Exchange): Promise<void> {
    const config = this.#connector.config;
    const response = new ContainerResponse(exchange, {
      serverHeader: this.#serverHeader,
      xpoweredBy: config.xpoweredBy,
    });
    const request = new ContainerRequest(exchange, config, response);
    response.attach(request);
    const entered: { context: Context | null } = { context: null };
    request.setReprocessor(this, entered);
    let running: Promise<void> | undefined;
    try {
      const prepared = this.#prepare(request, response, entered);
      running =
        prepared === true
          ? pendingOrUndefined(this.#service.engine.pipeline.invoke(request, response))
          : prepared === false
            ? undefined
            : prepared.then((ready) => (ready ? this.#service.engine.pipeline.invoke(request, response) : undefined));
    } catch (error) {
      this.#unexpected(request, response, error);
    }
    if (running === undefined) return this.#end(request, response, entered);
    return running.then(
      () => this.#end(request, response, entered),
      (error: unknown) => {
        this.#unexpected(request, response, error);
        return this.#end(request, response, entered);
      },
    );
  }

  /**
   * A RewriteValve changed the request's URI, query or host: it is canonicalised and mapped again by the same steps
   * as on arrival (#prepare) and runs through the Engine pipeline from the start, as Tomcat's RewriteValve re-invokes
   * CoyoteAdapter.prepare() and the Engine's first valve. The request leaves the Context it was in; #prepare enters
   * the one it maps to now, and #afterResponse leaves that one.
   */
  reprocess(request: ContainerRequest, state: unknown): ValveResult {
    const entered = state as { context: Context | null };
    const response = request.response;
    entered.context?.exit();
    entered.context = null;
    const query = request.getQueryString();
    const prepared = this.#prepare(
      request,
      response,
      entered,
      query === null ? request.getRequestURI() : `${request.getRequestURI()}?${query}`,
    );
    if (prepared === true) return this.#service.engine.pipeline.invoke(request, response);
    if (prepared === false) return;
    return prepared.then((ready) => (ready ? this.#service.engine.pipeline.invoke(request, response) : undefined));
  }

  /**
   * What `finally` did in an async service(): complete the response, then log it, leave the Context and
   * remove upload files. Plain reactions rather than nested async functions: each of those would add a
   * promise, a generator and a microtask per request.
   */
  #end(request: ContainerRequest, response: ContainerResponse, entered: { context: Context | null }): Promise<void> {
    let finished: Promise<void>;
    try {
      finished = response.finish();
    } catch (error) {
      finished = Promise.reject(error);
    }
    return finished.then(
      () => this.#afterResponse(request, response, entered),
      (error: unknown) => {
        this.#logger.debug({ err: error }, 'Response could not be completed');
        request.exchange.abort();
        return this.#afterResponse(request, response, entered);
      },
    );
  }

  #afterResponse(request: ContainerRequest, response: ContainerResponse, entered: { context: Context | null }): Promise<void> | undefined {
    let releasing: Promise<void> | undefined;
    try {
      this.#logCompleted(request, response);
    } finally {
      entered.context?.exit();
      releasing = request
        .releaseParts()
        ?.catch((error: unknown) => this.#logger.debug({ err: error }, 'Temporary upload files could not be removed'));
    }
    return releasing;
  }

  logRejected(rejected: RejectedRequest): void {
    for (const log of this.#rejectionLogs()) {
      try {
        log.logRejected(rejected);
      } catch (error) {
        this.#logger.warn({ err: error }, 'Access log failed for a rejected request');
      }
    }
  }

  /**
   * Canonicalise, map and read a form body; false when the request has already been answered. A promise only
   * when something must be waited for (a Context being reloaded, a request body to read).
   */
  #prepare(
    request: ContainerRequest,
    response: ContainerResponse,
    entered: { context: Context | null },
    target: string = request.exchange.target,
  ): boolean | Promise<boolean> {
    const exchange = request.exchange;
    const misdirected = this.#misdirected(request);
    if (misdirected !== null) {
      this.#logger.debug({ code: misdirected.code }, misdirected.message);
      exchange.closeAfterResponse();
      this.#answer(response, misdirected.status ?? 421, misdirected.message);
      return false;
    }
    let rawPath: string;
    let sessionIdFromUrl: string | null;
    let path: string;
    try {
      rawPath = splitRequestTarget(target).rawPath;
      const canonical = canonicalizeUri(rawPath, this.#canonicalizeOptions);
      path = canonical.path;
      sessionIdFromUrl = canonical.sessionId;
    } catch (error) {
      this.#logger.debug({ err: error }, 'Rejected request URI');
      this.#answer(response, 400, error instanceof ContainerError ? error.message : 'Invalid URI');
      return false;
    }
    const mapping = request.mappingData;
    this.#service.mapperListener.map(request.getServerName(), path, mapping, sessionIdFromUrl, request);
    if (mapping.context !== null && !mapping.context.enter()) {
      return this.#waitForContext(request, response, entered, path, sessionIdFromUrl, target);
    }
    return this.#mapped(request, response, entered, path, sessionIdFromUrl, target);
  }

  /**
   * A Context being reloaded or replaced holds new requests; once it resumes they are mapped again, so none
   * fails during the swap (Tomcat's CoyoteAdapter waits on a paused Context the same way).
   */
  async #waitForContext(
    request: ContainerRequest,
    response: ContainerResponse,
    entered: { context: Context | null },
    path: string,
    sessionIdFromUrl: string | null,
    target: string,
  ): Promise<boolean> {
    const mapping = request.mappingData;
    for (let waits = 1; ; waits++) {
      await mapping.context?.whenResumed();
      this.#service.mapperListener.map(request.getServerName(), path, mapping, sessionIdFromUrl, request);
      if (mapping.context === null || mapping.context.enter()) break;
      if (waits >= 3) {
        this.#answer(response, 503, 'The web application is being reloaded');
        return false;
      }
    }
    return this.#mapped(request, response, entered, path, sessionIdFromUrl, target);
  }

  /** The request is mapped (and its Context entered): redirect, answer a missing host/context, or read the body. */
  #mapped(
    request: ContainerRequest,
    response: ContainerResponse,
    entered: { context: Context | null },
    path: string,
    sessionIdFromUrl: string | null,
    target: string,
  ): boolean | Promise<boolean> {
    const exchange = request.exchange;
    const mapping = request.mappingData;
    entered.context = mapping.context;
    if (mapping.redirectPath !== null) {
      // Context root without its trailing slash: redirect to `/ctx/` keeping the query (Tomcat's Mapper).
      const query = target.indexOf('?');
      response.setHeader('Location', encodeURI(mapping.redirectPath) + (query < 0 ? '' : target.slice(query)));
      response.setStatus(302);
      return false;
    }
    const context = mapping.context;
    request.setMapping(mapping, context, path, sessionIdFromUrl);
    if (!mapping.host) {
      this.#answer(response, 400, 'No virtual host matches the request and no default host is configured');
      return false;
    }
    if (!context) {
      this.#answer(response, 404, `No web application is deployed at [${path}]`);
      return false;
    }
    let reading: void | Promise<void>;
    try {
      reading = request.readFormBody();
    } catch (error) {
      return this.#bodyRefused(request, response, error);
    }
    const forwarded = exchange.forwardedUser;
    if (forwarded != null && forwarded.authorize) return this.#authorizeForwardedUser(request, response, context, forwarded, reading);
    if (reading === undefined) return true;
    return reading.then(
      () => true,
      (error: unknown) => this.#bodyRefused(request, response, error),
    );
  }

  /**
   * AJP tomcatAuthorization="true": the front end authenticated the user, the Context's Realm says who that is here
   * and which roles it has (Tomcat's CoyoteAdapter). A name the realm does not know stays anonymous; a realm that
   * cannot be asked answers 503.
   */
  async #authorizeForwardedUser(
    request: ContainerRequest,
    response: ContainerResponse,
    context: Context,
    forwarded: { readonly name: string; readonly authType: string | null },
    reading: void | Promise<void>,
  ): Promise<boolean> {
    try {
      await reading;
    } catch (error) {
      return this.#bodyRefused(request, response, error);
    }
    try {
      const principal = (await context.realm?.authenticateVerified(forwarded.name)) ?? null;
      if (principal !== null) request.setUserPrincipal(principal, forwarded.authType);
      return true;
    } catch (error) {
      if (!(error instanceof ContainerError) || error.code !== 'SV_ERR_REALM_UNAVAILABLE') throw error;
      logCoded(context.logger, 'error', error);
      this.#answer(response, 503, error.message);
      return false;
    }
  }

  /** A body over a limit (or malformed) is answered with its status; anything else is unexpected. */
  #bodyRefused(request: ContainerRequest, response: ContainerResponse, error: unknown): false {
    if (!(error instanceof ContainerError) || error.status === undefined) throw error;
    if (error.closeMode !== 'keep') request.exchange.closeAfterResponse();
    this.#answer(response, error.status, error.message);
    return false;
  }

  /**
   * strictSni: a request whose Host selects another SSLHostConfig than the SNI name of its TLS connection was
   * set up for would dodge that SSLHostConfig's settings (a required client certificate…): 421 (RFC 9110 §15.5.20).
   */
  #misdirected(request: ContainerRequest): ContainerError | null {
    const strict = this.#strictSni;
    if (strict === null) return null;
    const tls = request.exchange.tls;
    if (tls === undefined) return null;
    const host = request.getHeader('host');
    if (host === null || host === '') return null;
    const hostName = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
    const sniConfig = matchHostConfig(strict.names, tls.serverName) ?? strict.defaultName;
    const hostConfig = matchHostConfig(strict.names, hostName) ?? strict.defaultName;
    if (sniConfig === hostConfig) return null;
    return new ContainerError('SV_ERR_HTTP_MISDIRECTED_REQUEST', {
      host: hostName,
      hostConfig,
      serverName: tls.serverName ?? '',
      sniConfig,
    });
  }

  /** Renders a minimal error report for requests that never reach a Host's ErrorReportValve. */
  #answer(response: ContainerResponse, status: number, message: string): void {
    response.setStatus(status);
    const page = renderErrorPage(status, message, null, { showReport: true, showServerInfo: false });
    if (page === null) return;
    response.setContentType('text/html;charset=utf-8');
    response.getWriter().write(page);
  }

  #unexpected(request: ContainerRequest, response: ContainerResponse, error: unknown): void {
    this.#logger.error({ err: error }, `Unexpected error processing [${request.getMethod()} ${request.getRequestURI()}]`);
    if (response.isCommitted()) {
      request.exchange.abort();
      return;
    }
    try {
      response.reset();
      this.#answer(response, 500, 'Internal Server Error');
    } catch {
      request.exchange.abort();
    }
  }

  /** The response is complete: the session's access ends and the access logs write their lines. */
  #logCompleted(request: ContainerRequest, response: ContainerResponse): void {
    (request.getSessionIfExists() as ManagedSession | null)?.endAccess();
    // A request answered before a Host was mapped (bad URI) is logged like a rejected one.
    const host = request.mappingData.host;
    if (host) {
      this.#log(accessLogsOf(this.#service.engine.pipeline), request, response);
      this.#log(accessLogsOf(host.pipeline), request, response);
      const context = request.mappingData.context;
      if (context) this.#log(accessLogsOf(context.pipeline), request, response);
    } else {
      this.#log(this.#rejectionLogs(), request, response);
    }
  }

  #log(logs: readonly AccessLog[], request: Request, response: Response): void {
    for (const log of logs) {
      try {
        log.log(request, response);
      } catch (error) {
        this.#logger.warn({ err: error }, 'Access log failed');
      }
    }
  }

  /** Tomcat: a request refused before mapping is logged by the first AccessLog of Engine, default Host, ROOT. */
  #rejectionLogs(): readonly AccessLog[] {
    const engine = this.#service.engine;
    const defaultHost = engine.findChild(engine.defaultHost);
    const root = defaultHost?.findChild('ROOT');
    for (const container of [engine, defaultHost, root]) {
      const logs = container ? accessLogsOf(container.pipeline) : [];
      if (logs.length > 0) return logs;
    }
    return [];
  }
}

/**
 * The access-log valves of a pipeline, cached per valve list: Pipeline replaces its list on every change
 * (copy-on-write), so the cache can never go stale and the hot path does no filtering.
 */
const accessLogCache = new WeakMap<readonly AnyValve[], readonly AccessLog[]>();

function accessLogsOf(pipeline: Pipeline): readonly AccessLog[] {
  const valves = pipeline.getValves();
  let logs = accessLogCache.get(valves);
  if (!logs) {
    logs = valves.filter(isAccessLog);
    accessLogCache.set(valves, logs);
  }
  return logs;
}

/** A pipeline result that must be waited for, else undefined. */
function pendingOrUndefined(result: ValveResult): Promise<void> | undefined {
  return isPending(result) ? result : undefined;
}

function isAccessLog(valve: AnyValve): valve is AnyValve & AccessLog {
  const candidate = valve as Partial<AccessLog>;
  return typeof candidate.log === 'function' && typeof candidate.logRejected === 'function';
}

/**
 * strictSni's lookup: SSLHostConfig hostNames and the default one (the loader lower-cases both). With a single
 * SSLHostConfig (the usual case) every name selects it: no request can be misdirected, so the per-request check
 * is skipped altogether (null).
 */
function strictSniOf(config: Http11ConnectorConfig): { readonly names: ReadonlyMap<string, string>; readonly defaultName: string } | null {
  const hostConfigs = config.sslHostConfigs ?? [];
  const defaultName = config.defaultSSLHostConfigName;
  if (!hostConfigs.some((host) => host.hostName !== defaultName)) return null;
  return { names: new Map(hostConfigs.map((host) => [host.hostName, host.hostName])), defaultName };
}
