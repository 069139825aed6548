/**
 * `serval/filters`: Tomcat's standard filters (org.apache.catalina.filters.*), which a web.xml names by their
 * Tomcat class name and an application can also construct from code with typed options. Each is built on the
 * Servlet API alone (serval/servlet).
 */

// --- request filtering (RemoteAddrFilter, RemoteCIDRFilter, RemoteHostFilter) ---

// --- proxy (RemoteIpFilter) ---
export { RemoteIpFilter, REMOTE_IP_FILTER_SECURE, type RemoteIpOptions } from './remote-ip-filter.js';

// --- CorsFilter, HttpHeaderSecurityFilter and the small filters ---

// --- CsrfPreventionFilter, RestCsrfPreventionFilter, RateLimitFilter, ExpiresFilter ---

export {};
