/**
 * A request seen through a forward, include or error dispatch: the original request wrapped with new
 * paths, dispatcher type, merged query parameters and the dispatch attributes (Servlet spec §9.3, §9.4).
 * Wrapping instead of mutating keeps the original intact for the access log and for the caller.
 */
import type { Request } from './request.js';
import type { DispatcherType } from '../servlet/dispatcher-type.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';

export interface DispatchView {
  readonly dispatcherType: DispatcherType;
  /** For FORWARD and ERROR: the paths the target sees. Undefined for INCLUDE (paths stay the caller's). */
  readonly requestURI?: string;
  readonly contextPath?: string;
  readonly servletPath?: string;
  readonly pathInfo?: string | null;
  /** The dispatch target's query; its parameters are merged in front of the original ones. */
  readonly queryString?: string | null;
  /** Attributes that only exist for the duration of the dispatch (forward.*, include.*, error.*). */
  readonly attributes: ReadonlyMap<string, unknown>;
}

const BASE = Symbol('serval.dispatch.base');

/** The container request underneath any dispatch wrapping. */
export function baseRequest(request: HttpServletRequest): Request {
  const base = (request as unknown as { [BASE]?: Request })[BASE];
  return base ?? (request as Request);
}

export function wrapRequest(request: HttpServletRequest, view: DispatchView): HttpServletRequest {
  const base = baseRequest(request);
  let mergedParameters: Map<string, string[]> | null = null;
  const parameters = (): Map<string, string[]> => {
    if (mergedParameters) return mergedParameters;
    const merged = new Map<string, string[]>();
    if (view.queryString) {
      for (const [name, value] of new URLSearchParams(view.queryString)) {
        const list = merged.get(name);
        if (list) list.push(value);
        else merged.set(name, [value]);
      }
    }
    for (const [name, values] of request.getParameterMap()) merged.set(name, [...(merged.get(name) ?? []), ...values]);
    mergedParameters = merged;
    return merged;
  };
  const overridesPaths = view.requestURI !== undefined;
  const overrides: Partial<Record<keyof HttpServletRequest | typeof BASE, unknown>> = {
    [BASE]: base,
    getDispatcherType: () => view.dispatcherType,
    getAttribute: (name: string) => (view.attributes.has(name) ? view.attributes.get(name) : request.getAttribute(name)),
    getAttributeNames: () => [...new Set([...request.getAttributeNames(), ...view.attributes.keys()])],
    getParameter: (name: string) => parameters().get(name)?.[0] ?? null,
    getParameterValues: (name: string) => parameters().get(name) ?? null,
    getParameterNames: () => [...parameters().keys()],
    getParameterMap: () => new Map([...parameters()].map(([k, v]) => [k, [...v]])),
  };
  if (overridesPaths) {
    Object.assign(overrides, {
      getRequestURI: () => view.requestURI,
      getContextPath: () => view.contextPath ?? request.getContextPath(),
      getServletPath: () => view.servletPath ?? '',
      getPathInfo: () => view.pathInfo ?? null,
      getQueryString: () => (view.queryString !== undefined ? view.queryString : request.getQueryString()),
      getRequestURL: () => {
        const url = request.getRequestURL();
        const schemeAndHost = url.slice(0, url.length - request.getRequestURI().length);
        return schemeAndHost + String(view.requestURI);
      },
    });
  }
  return new Proxy(request, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof typeof overrides];
      const value: unknown = Reflect.get(target, property);
      // Methods of the wrapped object use #private fields: call them on the object itself.
      return typeof value === 'function' ? (value.bind(target) as unknown) : value;
    },
  });
}
