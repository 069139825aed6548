/**
 * Everything a Context is built from once its descriptors (conf/web.xml, WEB-INF/web.xml, annotations)
 * are merged and its classes loaded. ContextConfig produces it; the Context only consumes it.
 */
import type { Filter } from '../servlet/filter.js';
import type { Servlet } from '../servlet/servlet.js';
import type { Authenticator } from './authenticator.js';
import type { FilterMap } from './filter-map.js';

export interface ServletDefinition {
  readonly name: string;
  readonly servletClass: string;
  readonly factory: () => Servlet;
  readonly initParams: ReadonlyMap<string, string>;
  readonly loadOnStartup: number | null;
  readonly asyncSupported: boolean;
  readonly urlPatterns: readonly string[];
  /** From @MultipartConfig or `<multipart-config>`; null/absent = getParts() is not available. */
  readonly multipartConfig?: MultipartConfigDefinition | null;
}

/** A servlet's multipart limits (Servlet spec §8.1.5); sizes in bytes, Infinity = no limit. */
export interface MultipartConfigDefinition {
  /** As written; "" = the Context's temporary folder, a relative path is resolved against it. */
  readonly location: string;
  readonly maxFileSize: number;
  readonly maxRequestSize: number;
  readonly fileSizeThreshold: number;
}

export interface FilterDefinition {
  readonly name: string;
  readonly filterClass: string;
  readonly factory: () => Filter;
  readonly initParams: ReadonlyMap<string, string>;
  readonly asyncSupported: boolean;
}

export interface ListenerDefinition {
  readonly className: string;
  readonly factory: () => object;
}

/** An `<error-page>`: by status code, by error type (class or `Error.name`), or the default (neither). */
export interface ErrorPageDefinition {
  readonly errorCode: number | null;
  readonly exceptionType: string | null;
  readonly location: string;
}

export interface SessionCookieDefinition {
  readonly name: string | null;
  readonly path: string | null;
  readonly domain: string | null;
  readonly httpOnly: boolean | null;
  readonly secure: boolean | null;
  readonly maxAge: number | null;
}

export interface ContextDefinition {
  readonly displayName: string | null;
  readonly contextParams: ReadonlyMap<string, string>;
  readonly servlets: readonly ServletDefinition[];
  readonly filters: readonly FilterDefinition[];
  readonly filterMaps: readonly FilterMap[];
  readonly listeners: readonly ListenerDefinition[];
  readonly welcomeFiles: readonly string[];
  readonly errorPages: readonly ErrorPageDefinition[];
  /** extension (no dot, lower case) → MIME type */
  readonly mimeMappings: ReadonlyMap<string, string>;
  readonly sessionTimeoutMinutes: number;
  readonly sessionCookie: SessionCookieDefinition;
  readonly requestCharacterEncoding: string | null;
  readonly responseCharacterEncoding: string | null;
  /** The webapp's authenticator: its constraints, login method and programmatic security. */
  readonly authenticator: Authenticator;
  /**
   * Whether the authenticator runs on every request from the start (the webapp declares a constraint or a
   * login-config); otherwise it joins the pipeline at the first request.login() (installAuthenticator).
   */
  readonly enforcesSecurity: boolean;
}
