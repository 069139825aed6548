/**
 * The request attributes through which the container tells a filter that parsing the request's parameters went
 * wrong (Tomcat's org.apache.catalina.Globals constants, same names, so FailedRequestFilter and an application
 * read them as under Tomcat). They exist once the parameters were parsed (getParameter… was called) and a
 * chunk was skipped: PARSE_FAILED is `true`, PARSE_FAILED_REASON one of ParameterParseFailure.
 */
export const PARAMETER_PARSE_FAILED_ATTR = 'org.apache.catalina.parameter_parse_failed';
export const PARAMETER_PARSE_FAILED_REASON_ATTR = 'org.apache.catalina.parameter_parse_failed_reason';

/**
 * Tomcat's Parameters.FailReason values Serval can record. The limits Tomcat also reports this way
 * (maxParameterCount, maxPostSize, a body cut short) already end the request with the connector's 400/413
 * before any filter runs, so they never reach this attribute.
 * - URL_DECODING: a chunk with a malformed %-escape (`a=%zz`) was skipped;
 * - NO_NAME: a chunk with a value but no name (`=value`) was skipped.
 */
export type ParameterParseFailure = 'URL_DECODING' | 'NO_NAME';
