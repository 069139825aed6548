/**
 * Keeps a Service's Mapper in step with its containers (Tomcat's MapperListener): Hosts are added when the
 * Engine starts, a Context and its Wrappers when the Context has started, and removed when it stops, so a
 * request is never routed to a half-started webapp. Versions of one path (`app##1`, `app##2`) are registered
 * side by side, and a request goes to the version that holds its session (parallel deployment, reference §5).
 */
import type { Logger } from 'pino';
import { Mapper, type ContextVersion } from '../mapper/mapper.js';
import { emptyMappingData, type MappingData } from '../mapper/mapping-data.js';
import type { Context, ContextRegistry } from './context.js';
import type { Engine } from './engine.js';
import { Host } from './host.js';
import { Wrapper } from './wrapper.js';

/** Where a request's session ids come from besides the URL: its cookies (the request parses them lazily). */
export interface RequestCookies {
  getCookies(): readonly { getName(): string; getValue(): string }[];
}

/** The version part of a Context's base name: `app##2` → `2`, `app` → "" (Tomcat's naming rules). */
export function contextVersionOf(context: Context): string {
  const mark = context.name.indexOf('##');
  return mark < 0 ? '' : context.name.slice(mark + 2);
}

export class MapperListener implements ContextRegistry {
  readonly mapper: Mapper<Host, Context, Wrapper>;

  constructor(logger: Logger) {
    this.mapper = new Mapper<Host, Context, Wrapper>({ warn: (message) => logger.warn(message) });
  }

  registerEngine(engine: Engine): void {
    this.mapper.setDefaultHostName(engine.defaultHost);
    for (const host of engine.findChildren()) {
      if (host instanceof Host) this.mapper.addHost(host.name, host.aliases, host);
    }
  }

  /**
   * Maps a request. When its path holds parallel versions, the newest version whose Manager knows one of the
   * requested session ids (the `;jsessionid` of the URL, then the session cookies) serves it, else the newest.
   */
  map(
    serverName: string | null,
    path: string,
    out: MappingData<Host, Context, Wrapper>,
    sessionIdFromUrl: string | null,
    cookies: RequestCookies,
  ): void {
    this.mapper.map(serverName, path, out, (context) => hasRequestedSession(context, sessionIdFromUrl, cookies));
  }

  registerContext(context: Context): void {
    const host = context.parent as Host;
    const version = contextVersionOf(context);
    this.mapper.addContext(
      host.name,
      context.path,
      context,
      {
        welcomeFiles: context.welcomeFiles,
        // Welcome files are looked up in the webapp's resources: its directory, or its bundle (unpackWARs="false").
        resourceExists: (path) => context.applicationContext.resources.stat(path) !== null,
        isDirectory: (path) => context.applicationContext.resources.stat(path)?.isDirectory ?? false,
        mapperContextRootRedirectEnabled: context.config.mapperContextRootRedirectEnabled,
      },
      version,
    );
    try {
      for (const servlet of context.definition?.servlets ?? []) {
        const wrapper = context.findChild(servlet.name);
        if (!(wrapper instanceof Wrapper)) continue;
        for (const pattern of servlet.urlPatterns) {
          this.mapper.addWrapper(host.name, context.path, pattern, wrapper, wrapper.name, { version });
        }
      }
    } catch (error) {
      this.mapper.removeContext(host.name, context.path, version);
      throw error;
    }
  }

  unregisterContext(context: Context): void {
    const host = context.parent as Host | null;
    if (!host) return;
    // Only this very object: a redeploy may already have registered its successor under the same version.
    const registered = this.mapper.findContextVersions(host.name, context.path).find((v) => v.context === context);
    if (registered) this.mapper.removeContext(host.name, context.path, registered.version);
  }

  /** Every version deployed at a context path on a host, oldest first (HostConfig's undeployOldVersions). */
  findContextVersions(host: string, path: string): readonly ContextVersion<Context>[] {
    return this.mapper.findContextVersions(host, path);
  }

  mapWithinContext(context: Context, path: string): { wrapper: Wrapper; servletPath: string; pathInfo: string | null } | null {
    const out: MappingData<Host, Context, Wrapper> = emptyMappingData();
    this.mapper.mapWithinContext(context, path, out);
    return out.wrapper ? { wrapper: out.wrapper, servletPath: out.servletPath, pathInfo: out.pathInfo } : null;
  }

  findContext(host: string, uri: string): Context | null {
    return this.mapper.findContext(host, uri);
  }
}

function hasRequestedSession(context: Context, sessionIdFromUrl: string | null, cookies: RequestCookies): boolean {
  if (context.state !== 'STARTED') return false;
  const manager = context.sessionManager;
  if (sessionIdFromUrl !== null && manager.findSession(sessionIdFromUrl) !== null) return true;
  let list: readonly { getName(): string; getValue(): string }[];
  try {
    list = cookies.getCookies();
  } catch {
    // Too many cookies: the request answers 400 where it reads them; for routing there is no cookie session.
    return false;
  }
  const cookieName = context.sessionCookieName;
  for (const cookie of list) {
    if (cookie.getName() === cookieName && manager.findSession(cookie.getValue()) !== null) return true;
  }
  return false;
}
