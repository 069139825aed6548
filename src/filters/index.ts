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
export { RemoteIpFilter, REMOTE_IP_FILTER_SECURE, type RemoteIpOptions } from './remote-ip-filter.js';

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
export { CsrfPreventionFilter, CsrfResponseWrapper, type CsrfPreventionFilterOptions } from './csrf-prevention-filter.js';
export { RestCsrfPreventionFilter, type RestCsrfPreventionFilterOptions } from './rest-csrf-prevention-filter.js';
export {
  CSRF_NONCE_REQUEST_ATTR_NAME,
  CSRF_NONCE_REQUEST_PARAM,
  CSRF_NONCE_REQUEST_PARAM_NAME_KEY,
  CSRF_NONCE_SESSION_ATTR_NAME,
  CSRF_REST_NONCE_HEADER_NAME,
  CSRF_REST_NONCE_HEADER_NAME_KEY,
  CSRF_REST_NONCE_SESSION_ATTR_NAME,
} from './csrf-nonce.js';
export {
  RateLimitFilter,
  RATE_LIMIT_ATTRIBUTE_COUNT,
  HEADER_RATE_LIMIT,
  HEADER_RATE_LIMIT_POLICY,
  type RateLimitFilterOptions,
} from './rate-limit-filter.js';
export { ExpiresFilter, type ExpiresFilterOptions } from './expires-filter.js';
