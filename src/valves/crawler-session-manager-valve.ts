/**
 * CrawlerSessionManagerValve (org.apache.catalina.valves.CrawlerSessionManagerValve): a crawler sends no
 * cookies, so every page it fetches would create a new session; this valve gives all requests of one crawler
 * (same client address, and same Host and Context unless hostAware/contextAware are off) the one session its
 * first request created, and shortens that session's inactive interval to sessionInactiveInterval.
 *
 * A request is a crawler's when it carries exactly one User-Agent header matching crawlerUserAgents (several
 * User-Agent headers: not a crawler, as Tomcat), or when its address matches crawlerIps; and only when it names
 * no valid session itself. Memory stays bounded by the sessions: each crawler entry is removed when its session
 * ends (expiry, invalidation, undeploy), through a session attribute named after this class whose valueUnbound
 * drops the entry (Tomcat's CrawlerHttpSessionBindingListener); a crawler whose application never creates a
 * session leaves nothing behind. On a blocking-style connector each worker thread keeps its own table.
 */
import { resolveAttributes } from '../config/attribute-values.js';
import { compileConfigPattern } from '../config/config-pattern.js';
import type { AttributeValue } from '../config/server-config.js';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { ContainerValveBase, isPending, type ValveResult } from '../core/valve.js';
import { ConfigError } from '../errors/container-error.js';

export const CRAWLER_SESSION_MANAGER_VALVE_CLASS = 'org.apache.catalina.valves.CrawlerSessionManagerValve';

/** The session attribute that ties a crawler's entry to its session's life (Tomcat's name for it). */
const BINDING_ATTRIBUTE = CRAWLER_SESSION_MANAGER_VALVE_CLASS;

export class CrawlerSessionManagerValve extends ContainerValveBase {
  readonly #userAgents: RegExp;
  readonly #ips: RegExp | null;
  readonly #sessionInactiveInterval: number;
  readonly #contextAware: boolean;
  readonly #hostAware: boolean;
  /** Client identifier (context-host-address) → the id of the session its crawler uses. */
  readonly #sessions = new Map<string, string>();

  constructor(attributes: Readonly<Record<string, AttributeValue>>, element = 'Valve[CrawlerSessionManagerValve]') {
    super();
    const { crawlerUserAgents, crawlerIps, sessionInactiveInterval, contextAware, hostAware } = resolveAttributes(
      'Valve:CrawlerSessionManagerValve',
      attributes,
      element,
    );
    // crawlerUserAgents has a default, so the table declares it a string: it is checked here, with the element.
    const userAgents = compileConfigPattern(crawlerUserAgents);
    if (!userAgents.ok) {
      throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
        attribute: 'crawlerUserAgents',
        element,
        value: crawlerUserAgents,
        allowed: `a regular expression Serval can match in linear time: ${userAgents.reason}`,
      });
    }
    this.#userAgents = userAgents.regex;
    this.#ips = crawlerIps === undefined || crawlerIps === '' ? null : (compileConfigPattern(crawlerIps) as { regex: RegExp }).regex;
    this.#sessionInactiveInterval = sessionInactiveInterval;
    this.#contextAware = contextAware;
    this.#hostAware = hostAware;
  }

  /** Crawlers known now (one entry per live crawler session). */
  get crawlerCount(): number {
    return this.#sessions.size;
  }

  invoke(request: Request, response: Response): ValveResult {
    let crawler: string | null = null;
    let knownSession: string | undefined;
    if (request.getSession(false) === null && this.#isCrawler(request)) {
      crawler = this.#identify(request);
      knownSession = this.#sessions.get(crawler);
      if (knownSession !== undefined) request.setRequestedSessionId(knownSession);
    }
    const result = this.next!.invoke(request, response);
    if (crawler === null || knownSession !== undefined) return result;
    const id = crawler;
    if (isPending(result)) return result.then(() => this.#remember(request, id));
    this.#remember(request, id);
  }

  #isCrawler(request: Request): boolean {
    const agents = request.getHeaders('user-agent');
    if (agents.length === 1 && this.#userAgents.test(agents[0]!)) return true;
    return this.#ips !== null && this.#ips.test(request.getRemoteAddr());
  }

  #identify(request: Request): string {
    let id = request.getRemoteAddr();
    if (this.#hostAware) id = `${request.mappingData.host?.name ?? ''}-${id}`;
    if (this.#contextAware) id = `${request.mappingData.context?.name ?? ''}-${id}`;
    return id;
  }

  /** The crawler's first request created a session: note it, and forget it when the session ends. */
  #remember(request: Request, crawler: string): void {
    const session = request.getSession(false);
    if (session === null || !session.isValid()) return;
    const sessions = this.#sessions;
    const id = session.getId();
    sessions.set(crawler, id);
    session.setAttribute(BINDING_ATTRIBUTE, {
      valueUnbound(): void {
        if (sessions.get(crawler) === id) sessions.delete(crawler);
      },
    });
    session.setMaxInactiveInterval(this.#sessionInactiveInterval);
  }
}
