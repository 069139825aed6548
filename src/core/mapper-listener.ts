/**
 * Keeps a Service's Mapper in step with its containers (Tomcat's MapperListener): Hosts are added when the
 * Engine starts, a Context and its Wrappers when the Context has started, and removed when it stops, so a
 * request is never routed to a half-started webapp.
 */
import { existsSync, statSync } from 'node:fs';
import type { Logger } from 'pino';
import { Mapper } from '../mapper/mapper.js';
import { emptyMappingData, type MappingData } from '../mapper/mapping-data.js';
import { resolveInside } from './application-context.js';
import type { Context, ContextRegistry } from './context.js';
import type { Engine } from './engine.js';
import { Host } from './host.js';
import { Wrapper } from './wrapper.js';

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

  registerContext(context: Context): void {
    const host = context.parent as Host;
    this.mapper.addContext(host.name, context.path, context, {
      welcomeFiles: context.welcomeFiles,
      resourceExists: (path) => {
        const real = resolveInside(context.docBase, path);
        return real !== null && existsSync(real);
      },
      isDirectory: (path) => {
        const real = resolveInside(context.docBase, path);
        return real !== null && existsSync(real) && statSync(real).isDirectory();
      },
      mapperContextRootRedirectEnabled: context.config.mapperContextRootRedirectEnabled,
    });
    try {
      for (const servlet of context.definition?.servlets ?? []) {
        const wrapper = context.findChild(servlet.name);
        if (!(wrapper instanceof Wrapper)) continue;
        for (const pattern of servlet.urlPatterns) {
          this.mapper.addWrapper(host.name, context.path, pattern, wrapper, wrapper.name);
        }
      }
    } catch (error) {
      this.mapper.removeContext(host.name, context.path);
      throw error;
    }
  }

  unregisterContext(context: Context): void {
    const host = context.parent as Host | null;
    if (host && this.mapper.findContext(host.name, context.path) === context) {
      this.mapper.removeContext(host.name, context.path);
    }
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
