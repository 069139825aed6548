/**
 * `serval/filters`: Tomcat's standard filters (org.apache.catalina.filters.*), which a web.xml names by their
 * Tomcat class name and an application can also construct from code with typed options. Each is built on the
 * Servlet API alone (serval/servlet).
 */

// --- request filtering (RemoteAddrFilter, RemoteCIDRFilter, RemoteHostFilter) ---

// --- proxy (RemoteIpFilter) ---

// --- CorsFilter, HttpHeaderSecurityFilter and the small filters ---
export { AddDefaultCharsetFilter, type AddDefaultCharsetFilterOptions } from './add-default-charset-filter.js';
export {
  addVaryFieldName,
  CORS_REQUEST_ATTRIBUTES,
  CorsFilter,
  corsRequestType,
  type CorsFilterOptions,
  type CorsRequestType,
} from './cors-filter.js';
export { FailedRequestFilter } from './failed-request-filter.js';
export {
  HttpHeaderSecurityFilter,
  type AntiClickJackingOption,
  type HttpHeaderSecurityFilterOptions,
} from './http-header-security-filter.js';
export {
  PARAMETER_PARSE_FAILED_ATTR,
  PARAMETER_PARSE_FAILED_REASON_ATTR,
  type ParameterParseFailure,
} from './parameter-parse-attributes.js';
export { RequestDumperFilter } from './request-dumper-filter.js';
export { SessionInitializerFilter } from './session-initializer-filter.js';
export { SetCharacterEncodingFilter, type SetCharacterEncodingFilterOptions } from './set-character-encoding-filter.js';

// --- CsrfPreventionFilter, RestCsrfPreventionFilter, RateLimitFilter, ExpiresFilter ---

export {};
