/**
 * A request seen through a forward, include or error dispatch: the caller's request wrapped with new
 * paths, dispatcher type, merged query parameters and the dispatch attributes (Servlet spec §9.3, §9.4;
 * Tomcat's ApplicationHttpRequest). Wrapping instead of mutating keeps the original intact for the access
 * log and for the caller. It is an ordinary HttpServletRequestWrapper, so app code sees only the API, and
 * the container finds its own request underneath by unwrapping (facade/request-facade.ts).
 */
import type { DispatcherType } from '../servlet/dispatcher-type.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import { HttpServletRequestWrapper } from '../servlet/servlet-request-wrapper.js';

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

export class DispatchedRequest extends HttpServletRequestWrapper {
  readonly #view: DispatchView;
  #parameters: Map<string, string[]> | null = null;

  constructor(request: HttpServletRequest, view: DispatchView) {
    super(request);
    this.#view = view;
  }

  override getDispatcherType(): DispatcherType {
    return this.#view.dispatcherType;
  }

  override getAttribute(name: string): unknown {
    const attributes = this.#view.attributes;
    return attributes.has(name) ? attributes.get(name) : super.getAttribute(name);
  }
  override getAttributeNames(): string[] {
    return [...new Set([...super.getAttributeNames(), ...this.#view.attributes.keys()])];
  }

  override getParameter(name: string): string | null {
    return this.#merged().get(name)?.[0] ?? null;
  }
  override getParameterValues(name: string): string[] | null {
    return this.#merged().get(name) ?? null;
  }
  override getParameterNames(): string[] {
    return [...this.#merged().keys()];
  }
  override getParameterMap(): Map<string, string[]> {
    return new Map([...this.#merged()].map(([name, values]) => [name, [...values]]));
  }

  // For INCLUDE the paths stay the caller's (§9.3.1); FORWARD and ERROR show the target's.
  override getRequestURI(): string {
    return this.#view.requestURI ?? super.getRequestURI();
  }
  override getContextPath(): string {
    return this.#view.contextPath ?? super.getContextPath();
  }
  override getServletPath(): string {
    return this.#forwarded() ? (this.#view.servletPath ?? '') : super.getServletPath();
  }
  override getPathInfo(): string | null {
    return this.#forwarded() ? (this.#view.pathInfo ?? null) : super.getPathInfo();
  }
  override getQueryString(): string | null {
    return this.#forwarded() && this.#view.queryString !== undefined ? this.#view.queryString : super.getQueryString();
  }
  override getRequestURL(): string {
    const url = super.getRequestURL();
    if (!this.#forwarded()) return url;
    const schemeAndHost = url.slice(0, url.length - super.getRequestURI().length);
    return schemeAndHost + String(this.#view.requestURI);
  }

  #forwarded(): boolean {
    return this.#view.requestURI !== undefined;
  }

  /** The target's query parameters in front of the caller's (Servlet spec §9.1.1), computed once. */
  #merged(): Map<string, string[]> {
    if (this.#parameters !== null) return this.#parameters;
    const merged = new Map<string, string[]>();
    if (this.#view.queryString) {
      for (const [name, value] of new URLSearchParams(this.#view.queryString)) {
        const list = merged.get(name);
        if (list) list.push(value);
        else merged.set(name, [value]);
      }
    }
    for (const [name, values] of super.getParameterMap()) merged.set(name, [...(merged.get(name) ?? []), ...values]);
    this.#parameters = merged;
    return merged;
  }
}
