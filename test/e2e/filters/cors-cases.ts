/**
 * CorsFilter's requests and the answers Tomcat 10.1 gives them, as data: the Serval e2e test runs them, and a
 * differential run can send the same table to a Tomcat with the same web.xml (CORS_WEB_XML_PARAMS) and compare.
 * The expectations follow Tomcat 10.1.60's CorsFilter (checkRequestType, handleSimpleCORS/handlePreflightCORS,
 * addStandardHeaders, ResponseUtil.addVaryFieldName). List-valued headers (methods, headers, Vary) compare as
 * case-insensitive sets: Tomcat joins a HashSet, whose order is not specified.
 */

/** The app under test: its CorsFilter init-params. */
export const CORS_APPS = {
  cors: {
    'cors.allowed.origins': 'https://good.example, http://other.example:8081',
    'cors.allowed.methods': 'GET,POST,HEAD,OPTIONS,PUT',
    'cors.allowed.headers': 'Content-Type,X-Requested-With,X-Custom',
    'cors.exposed.headers': 'X-Result',
    'cors.support.credentials': 'true',
    'cors.preflight.maxage': '600',
  },
  corsany: {
    'cors.allowed.origins': '*',
    'cors.request.decorate': 'false',
  },
} as const;

export interface CorsCase {
  readonly name: string;
  readonly app: keyof typeof CORS_APPS;
  readonly method: string;
  /** `{self}` in a value is the server's own origin (`http://127.0.0.1:<port>`). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly status: number;
  /** Response headers (lower-case names); null = absent. Headers not named are not compared. */
  readonly expect: Readonly<Record<string, string | null>>;
  /** Whether the servlet ran (the echo body), for a 200. */
  readonly reachesServlet: boolean;
  /** The request attributes the servlet saw (cors.request.type), when it ran. */
  readonly corsType?: string | null;
}

/** Headers whose values are comma-separated sets. */
export const SET_VALUED = new Set(['access-control-allow-methods', 'access-control-allow-headers', 'vary']);

const GOOD = 'https://good.example';
const credentialed = {
  'access-control-allow-origin': GOOD,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'X-Result',
};
const refused = { 'access-control-allow-origin': null, 'content-type': 'text/plain' };
const preflightOk = {
  ...credentialed,
  'access-control-max-age': '600',
  'access-control-allow-methods': 'GET,POST,HEAD,OPTIONS,PUT',
  'access-control-allow-headers': 'content-type,x-requested-with,x-custom',
  vary: 'Origin,Access-Control-Request-Method,Access-Control-Request-Headers',
};

export const CORS_CASES: readonly CorsCase[] = [
  {
    name: 'no Origin: not CORS, Vary: Origin since origins are listed',
    app: 'cors',
    method: 'GET',
    headers: {},
    status: 200,
    expect: { vary: 'Origin', 'access-control-allow-origin': null },
    reachesServlet: true,
    corsType: null,
  },
  {
    name: 'same origin: not CORS',
    app: 'cors',
    method: 'GET',
    headers: { origin: '{self}' },
    status: 200,
    expect: { vary: 'Origin', 'access-control-allow-origin': null },
    reachesServlet: true,
    corsType: null,
  },
  {
    name: 'simple GET from an allowed origin',
    app: 'cors',
    method: 'GET',
    headers: { origin: GOOD },
    status: 200,
    expect: { ...credentialed, vary: 'Origin', 'access-control-max-age': null },
    reachesServlet: true,
    corsType: 'simple',
  },
  {
    name: 'allowed origin with a port',
    app: 'cors',
    method: 'GET',
    headers: { origin: 'http://other.example:8081' },
    status: 200,
    expect: { 'access-control-allow-origin': 'http://other.example:8081' },
    reachesServlet: true,
    corsType: 'simple',
  },
  {
    name: 'simple GET from another origin: 403',
    app: 'cors',
    method: 'GET',
    headers: { origin: 'https://evil.example' },
    status: 403,
    expect: refused,
    reachesServlet: false,
  },
  {
    name: 'origins compare case-sensitively',
    app: 'cors',
    method: 'GET',
    headers: { origin: 'https://GOOD.example' },
    status: 403,
    expect: refused,
    reachesServlet: false,
  },
  {
    name: 'POST text/plain is simple',
    app: 'cors',
    method: 'POST',
    headers: { origin: GOOD, 'content-type': 'text/plain; charset=UTF-8' },
    body: 'x',
    status: 200,
    expect: credentialed,
    reachesServlet: true,
    corsType: 'simple',
  },
  {
    name: 'POST application/json is actual',
    app: 'cors',
    method: 'POST',
    headers: { origin: GOOD, 'content-type': 'application/json' },
    body: '{}',
    status: 200,
    expect: credentialed,
    reachesServlet: true,
    corsType: 'actual',
  },
  {
    name: 'PUT (allowed) is actual',
    app: 'cors',
    method: 'PUT',
    headers: { origin: GOOD },
    body: 'x',
    status: 200,
    expect: { ...credentialed, 'access-control-allow-methods': null },
    reachesServlet: true,
    corsType: 'actual',
  },
  {
    name: 'DELETE (not allowed): 403',
    app: 'cors',
    method: 'DELETE',
    headers: { origin: GOOD },
    status: 403,
    expect: refused,
    reachesServlet: false,
  },
  {
    name: 'pre-flight allowed: answered by the filter',
    app: 'cors',
    method: 'OPTIONS',
    headers: { origin: GOOD, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'X-Custom, content-type' },
    status: 200,
    expect: preflightOk,
    reachesServlet: false,
  },
  {
    name: 'pre-flight without announced headers',
    app: 'cors',
    method: 'OPTIONS',
    headers: { origin: GOOD, 'access-control-request-method': 'GET' },
    status: 200,
    expect: preflightOk,
    reachesServlet: false,
  },
  {
    name: 'pre-flight for a method not allowed: 403',
    app: 'cors',
    method: 'OPTIONS',
    headers: { origin: GOOD, 'access-control-request-method': 'DELETE' },
    status: 403,
    expect: refused,
    reachesServlet: false,
  },
  {
    name: 'pre-flight announcing a header not allowed: 403',
    app: 'cors',
    method: 'OPTIONS',
    headers: { origin: GOOD, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'X-Custom, X-Evil' },
    status: 403,
    expect: refused,
    reachesServlet: false,
  },
  {
    name: 'pre-flight from another origin: 403',
    app: 'cors',
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    status: 403,
    expect: refused,
    reachesServlet: false,
  },
  {
    name: 'OPTIONS with an empty Access-Control-Request-Method is invalid: 403',
    app: 'cors',
    method: 'OPTIONS',
    headers: { origin: GOOD, 'access-control-request-method': '' },
    status: 403,
    expect: refused,
    reachesServlet: false,
  },
  {
    name: 'an Origin that is no URI is invalid: 403',
    app: 'cors',
    method: 'GET',
    headers: { origin: 'good.example' },
    status: 403,
    expect: refused,
    reachesServlet: false,
  },
  {
    name: 'an Origin with % is invalid: 403',
    app: 'cors',
    method: 'GET',
    headers: { origin: 'https://good%2eexample' },
    status: 403,
    expect: refused,
    reachesServlet: false,
  },
  {
    name: 'Origin null is valid but not listed: 403',
    app: 'cors',
    method: 'GET',
    headers: { origin: 'null' },
    status: 403,
    expect: refused,
    reachesServlet: false,
  },
  {
    name: 'any origin: ACAO *, no Vary, no credentials',
    app: 'corsany',
    method: 'GET',
    headers: { origin: 'https://anyone.example' },
    status: 200,
    expect: {
      'access-control-allow-origin': '*',
      vary: null,
      'access-control-allow-credentials': null,
      'access-control-expose-headers': null,
    },
    reachesServlet: true,
    corsType: null,
  },
  {
    name: 'any origin, no Origin: no Vary',
    app: 'corsany',
    method: 'GET',
    headers: {},
    status: 200,
    expect: { vary: null },
    reachesServlet: true,
    corsType: null,
  },
  {
    name: 'any origin: pre-flight with the default methods, headers and max-age',
    app: 'corsany',
    method: 'OPTIONS',
    headers: {
      origin: 'https://anyone.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
    status: 200,
    expect: {
      'access-control-allow-origin': '*',
      'access-control-max-age': '1800',
      'access-control-allow-methods': 'GET,POST,HEAD,OPTIONS',
      'access-control-allow-headers':
        'origin,accept,x-requested-with,content-type,access-control-request-method,access-control-request-headers',
      vary: 'Access-Control-Request-Method,Access-Control-Request-Headers',
    },
    reachesServlet: false,
  },
];
