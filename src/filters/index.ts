/**
 * `serval/filters`: Tomcat's standard filters (org.apache.catalina.filters.*), which a web.xml names by their
 * Tomcat class name and an application can also construct from code with typed options. Each is built on the
 * Servlet API alone (serval/servlet).
 */

// --- request filtering (RemoteAddrFilter, RemoteCIDRFilter, RemoteHostFilter) ---
export { RequestFilter, type RequestFilterOptions } from './request-filter.js';
export { RemoteAddrFilter, type RemoteAddrFilterOptions } from './remote-addr-filter.js';
export { RemoteHostFilter, type RemoteHostFilterOptions } from './remote-host-filter.js';
export { RemoteCIDRFilter, type RemoteCIDRFilterOptions } from './remote-cidr-filter.js';

// --- proxy (RemoteIpFilter) ---

// --- CorsFilter, HttpHeaderSecurityFilter and the small filters ---

// --- CsrfPreventionFilter, RestCsrfPreventionFilter, RateLimitFilter, ExpiresFilter ---

export {};
