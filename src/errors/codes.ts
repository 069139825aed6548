/**
 * The error catalogue: every coded error the container can raise, with its message template,
 * the HTTP status it maps to (if any) and what happens to the connection.
 * Placeholders are `{name}`; values are rendered inside [brackets] by the template itself.
 * Codes are never reused once retired (see docs/errors.md).
 */

/** What a protocol-level error does to the connection (after Tomcat's ErrorState). */
export type CloseMode = 'keep' | 'close-clean' | 'close-now';

export interface CodeSpec {
  readonly message: string;
  readonly status?: number;
  readonly close?: CloseMode;
}

const catalogue = {
  // --- lifecycle ---
  SV_ERR_LIFECYCLE_INVALID_TRANSITION: {
    message: 'An invalid Lifecycle transition was attempted [{action}] for component [{component}] in state [{state}]',
  },
  SV_ERR_LIFECYCLE_FAILED: { message: 'Failed to {action} component [{component}]' },
  SV_ERR_LIFECYCLE_CHILD_FAILED: { message: 'A child container failed during {action} of [{component}]' },

  // --- config ---
  SV_ERR_CONFIG_INVALID: { message: 'Configuration file [{file}] has {count} problem(s)' },
  SV_ERR_CONFIG_XML_SYNTAX: { message: 'XML syntax error: {detail}' },
  SV_ERR_CONFIG_FILE_NOT_FOUND: { message: 'Configuration file [{file}] cannot be read: {detail}' },
  SV_ERR_CONFIG_UNKNOWN_ELEMENT: { message: 'Unknown element [{element}]{hint}' },
  SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE: { message: 'Unknown attribute [{attribute}] on element [{element}]{hint}' },
  SV_ERR_CONFIG_MISSING_ATTRIBUTE: { message: 'Required attribute [{attribute}] is missing on element [{element}]' },
  SV_ERR_CONFIG_INVALID_VALUE: {
    message: 'Attribute [{attribute}] on element [{element}] has invalid value [{value}]; allowed: {allowed}',
  },
  SV_ERR_CONFIG_UNDEFINED_PROPERTY: { message: 'Property [{property}] used in attribute [{attribute}] is not defined' },
  SV_ERR_CONFIG_RULE: { message: '{detail}' },
  SV_ERR_CONFIG_CLASS_NOT_FOUND: { message: 'Class [{className}] for element [{element}] cannot be loaded: {detail}' },

  // --- http ---
  SV_ERR_HTTP_BAD_REQUEST: { message: 'The request could not be parsed: {detail}', status: 400, close: 'close-clean' },
  SV_ERR_HTTP_HEADER_TOO_LARGE: {
    message: 'Request header section exceeds maxHttpHeaderSize [{limit}]',
    status: 431,
    close: 'close-clean',
  },
  SV_ERR_HTTP_TOO_MANY_HEADERS: {
    message: 'Request has [{count}] headers, more than maxHeaderCount [{limit}]',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_HEADER_TIMEOUT: {
    message: 'Request headers were not received within connectionTimeout [{limit}] ms',
    status: 408,
    close: 'close-now',
  },
  SV_ERR_HTTP_BODY_TIMEOUT: {
    message: 'Request body was not received within connectionTimeout [{limit}] ms',
    status: 408,
    close: 'close-now',
  },
  SV_ERR_HTTP_POST_TOO_LARGE: {
    message: 'Form body of [{size}] bytes exceeds maxPostSize [{limit}]',
    status: 413,
    close: 'close-clean',
  },
  SV_ERR_HTTP_TOO_MANY_PARAMETERS: {
    message: 'Request has more than maxParameterCount [{limit}] parameters',
    status: 400,
    close: 'keep',
  },
  SV_ERR_HTTP_INVALID_HEADER_VALUE: { message: 'Invalid value for response header [{name}]: CR, LF or NUL is not allowed' },
  SV_ERR_HTTP_INVALID_HEADER_NAME: { message: 'Invalid response header name [{name}]' },

  // --- uri / mapper ---
  SV_ERR_URI_INVALID: { message: 'The request URI [{uri}] is invalid: {detail}', status: 400, close: 'keep' },

  // --- servlet / request processing ---
  SV_ERR_SERVLET_EXCEPTION: { message: 'Servlet.service() for servlet [{servlet}] in context [{context}] threw an exception', status: 500 },
  SV_ERR_SERVLET_UNAVAILABLE: { message: 'Servlet [{servlet}] is currently unavailable', status: 503 },
  SV_ERR_SERVLET_INIT_FAILED: { message: 'Servlet [{servlet}] in context [{context}] failed to initialize' },
  SV_ERR_SERVLET_NOT_FOUND: { message: 'Servlet class [{className}] was not found at [{file}]' },
  SV_ERR_RESPONSE_COMMITTED: { message: 'Cannot {action} after the response has been committed' },
  SV_ERR_RESPONSE_WRITER_AND_STREAM: { message: '{called}() cannot be called: {other}() has already been called for this response' },
  SV_ERR_DISPATCH_FAILED: { message: 'Dispatch to [{path}] failed: {detail}' },

  // --- deploy ---
  SV_ERR_DEPLOY_FAILED: { message: 'Deployment of web application [{name}] failed: {detail}' },
  SV_ERR_DEPLOY_WEBXML_INVALID: { message: 'Deployment descriptor [{file}] is invalid: {detail}' },
  SV_ERR_DEPLOY_DUPLICATE_MAPPING: {
    message: 'The servlets named [{first}] and [{second}] are both mapped to the url-pattern [{pattern}] which is not permitted',
  },
  SV_ERR_DEPLOY_MODULE_LOAD: { message: 'Module [{module}] of web application [{name}] failed to load: {detail}' },

  // --- session ---
  SV_ERR_SESSION_INVALIDATED: { message: '{method}: Session already invalidated' },

  // --- startup / cli ---
  SV_ERR_STARTUP_BIND: { message: 'Failed to bind [{address}:{port}]: {detail}' },
  SV_ERR_STARTUP_SHUTDOWN_PORT: { message: 'Cannot reach the shutdown port [{address}:{port}]: {detail}' },
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof catalogue;
export const codes: Readonly<Record<ErrorCode, CodeSpec>> = catalogue;

export type MessageParams = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Fill a template's `{name}` placeholders; an unknown placeholder is left visible so blanks show. */
export function formatMessage(code: ErrorCode, params: MessageParams = {}): string {
  return codes[code].message.replace(/\{(\w+)\}/g, (whole, key: string) =>
    Object.hasOwn(params, key) ? String(params[key] ?? '') : whole,
  );
}
