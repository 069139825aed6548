/**
 * Container classes a descriptor may name by their Tomcat class name (conf/web.xml's DefaultServlet…).
 * They resolve parent-first, before WEB-INF/classes, as Tomcat's own org.apache.catalina classes do.
 */
import { DefaultServlet } from '../builtin-servlets/default-servlet.js';
import { JspUnavailableServlet } from '../builtin-servlets/jsp-unavailable-servlet.js';
import { WelcomeServlet } from '../builtin-servlets/welcome-servlet.js';
import { CsrfPreventionFilter } from '../filters/csrf-prevention-filter.js';
import { ExpiresFilter } from '../filters/expires-filter.js';
import { RateLimitFilter } from '../filters/rate-limit-filter.js';
import { RestCsrfPreventionFilter } from '../filters/rest-csrf-prevention-filter.js';
// CorsFilter, HttpHeaderSecurityFilter and the small filters
import {
  AddDefaultCharsetFilter,
  CorsFilter,
  FailedRequestFilter,
  HttpHeaderSecurityFilter,
  RequestDumperFilter,
  SessionInitializerFilter,
  SetCharacterEncodingFilter,
} from '../filters/index.js';
import { RemoteIpFilter } from '../filters/remote-ip-filter.js';
import { RemoteAddrFilter } from '../filters/remote-addr-filter.js';
import { RemoteCIDRFilter } from '../filters/remote-cidr-filter.js';
import { RemoteHostFilter } from '../filters/remote-host-filter.js';

export type BuiltinClass = new (...args: never[]) => unknown;

const builtins: ReadonlyMap<string, BuiltinClass> = new Map<string, BuiltinClass>([
  ['org.apache.catalina.servlets.DefaultServlet', DefaultServlet],
  // Tomcat's and Debian's conf/web.xml declare it (with load-on-startup): harmless here, see the class.
  ['org.apache.jasper.servlet.JspServlet', JspUnavailableServlet],
  // The ROOT webapp's welcome page (Tomcat's ROOT is a static page; ours lists the deployed webapps).
  ['serval.servlets.WelcomeServlet', WelcomeServlet],

  // --- Tomcat's filters (org.apache.catalina.filters.*), implemented in src/filters/ ---

  // request filtering (RemoteAddrFilter, RemoteCIDRFilter, RemoteHostFilter)
  ['org.apache.catalina.filters.RemoteAddrFilter', RemoteAddrFilter],
  ['org.apache.catalina.filters.RemoteCIDRFilter', RemoteCIDRFilter],
  ['org.apache.catalina.filters.RemoteHostFilter', RemoteHostFilter],

  // proxy (RemoteIpFilter)
  ['org.apache.catalina.filters.RemoteIpFilter', RemoteIpFilter],

  // CorsFilter, HttpHeaderSecurityFilter and the small filters
  ['org.apache.catalina.filters.CorsFilter', CorsFilter],
  ['org.apache.catalina.filters.HttpHeaderSecurityFilter', HttpHeaderSecurityFilter],
  ['org.apache.catalina.filters.SetCharacterEncodingFilter', SetCharacterEncodingFilter],
  ['org.apache.catalina.filters.AddDefaultCharsetFilter', AddDefaultCharsetFilter],
  ['org.apache.catalina.filters.RequestDumperFilter', RequestDumperFilter],
  ['org.apache.catalina.filters.FailedRequestFilter', FailedRequestFilter],
  ['org.apache.catalina.filters.SessionInitializerFilter', SessionInitializerFilter],

  // CsrfPreventionFilter, RestCsrfPreventionFilter, RateLimitFilter, ExpiresFilter
  ['org.apache.catalina.filters.CsrfPreventionFilter', CsrfPreventionFilter],
  ['org.apache.catalina.filters.RestCsrfPreventionFilter', RestCsrfPreventionFilter],
  ['org.apache.catalina.filters.RateLimitFilter', RateLimitFilter],
  ['org.apache.catalina.filters.ExpiresFilter', ExpiresFilter],
]);

export function isBuiltinClass(className: string): boolean {
  return builtins.has(className);
}

/** The container class for a Tomcat class name, or null when the name is not a built-in. */
export function loadBuiltinClass(className: string): BuiltinClass | null {
  return builtins.get(className) ?? null;
}

export function builtinClassNames(): string[] {
  return [...builtins.keys()];
}
