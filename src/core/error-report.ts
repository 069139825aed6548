/**
 * The error report a response in error gets when nothing else rendered one (Tomcat's ErrorReportValve page, or
 * JSON when the client prefers it): used by the ErrorReportValve and by the adapter for requests it answers
 * before any pipeline runs. Pure rendering: no request, no I/O.
 */
import { SERVER_INFO } from '../version/version.js';

export interface ErrorReportOptions {
  /** Show the message, description and stack trace (off in production: they leak internals). */
  readonly showReport: boolean;
  /** Show the `Serval/<version>` footer. */
  readonly showServerInfo: boolean;
  /** The footer text; defaults to `Serval/<package version>`. */
  readonly serverInfo?: string | undefined;
}

/** Reason phrase and a one-line description per status (RFC 9110 §15). */
const STATUS_TEXT: Readonly<Record<number, readonly [reason: string, description: string]>> = {
  400: [
    'Bad Request',
    'The server cannot or will not process the request due to something that is perceived to be a client error (e.g., malformed request syntax, invalid request message framing, or deceptive request routing).',
  ],
  401: ['Unauthorized', 'The request has not been applied because it lacks valid authentication credentials for the target resource.'],
  402: ['Payment Required', 'This status code is reserved for future use.'],
  403: ['Forbidden', 'The server understood the request but refuses to fulfill it.'],
  404: [
    'Not Found',
    'The origin server did not find a current representation for the target resource or is not willing to disclose that one exists.',
  ],
  405: [
    'Method Not Allowed',
    'The method received in the request-line is known by the origin server but not supported by the target resource.',
  ],
  406: [
    'Not Acceptable',
    'The target resource does not have a current representation that would be acceptable to the user agent, according to the proactive negotiation header fields received in the request, and the server is unwilling to supply a default representation.',
  ],
  407: ['Proxy Authentication Required', 'The client needs to authenticate itself in order to use a proxy.'],
  408: ['Request Timeout', 'The server did not receive a complete request message within the time that it was prepared to wait.'],
  409: ['Conflict', 'The request could not be completed due to a conflict with the current state of the target resource.'],
  410: ['Gone', 'Access to the target resource is no longer available at the origin server and this condition is likely to be permanent.'],
  411: ['Length Required', 'The server refuses to accept the request without a defined Content-Length.'],
  412: ['Precondition Failed', 'One or more conditions given in the request header fields evaluated to false when tested on the server.'],
  413: [
    'Content Too Large',
    'The server is refusing to process a request because the request content is larger than the server is willing or able to process.',
  ],
  414: [
    'URI Too Long',
    'The server is refusing to service the request because the target URI is longer than the server is willing to interpret.',
  ],
  415: [
    'Unsupported Media Type',
    'The origin server is refusing to service the request because the content is in a format not supported by this method on the target resource.',
  ],
  416: [
    'Range Not Satisfiable',
    "None of the ranges in the request's Range header field overlap the current extent of the selected resource or the set of ranges requested has been rejected.",
  ],
  417: [
    'Expectation Failed',
    "The expectation given in the request's Expect header field could not be met by at least one of the inbound servers.",
  ],
  421: [
    'Misdirected Request',
    'The request was directed at a server that is unable or unwilling to produce an authoritative response for the target URI.',
  ],
  422: [
    'Unprocessable Content',
    'The server understands the content type of the request content, but was unable to process the contained instructions.',
  ],
  423: ['Locked', 'The source or destination resource of a method is locked.'],
  424: [
    'Failed Dependency',
    'The method could not be performed on the resource because the requested action depended on another action and that action failed.',
  ],
  425: ['Too Early', 'The server is unwilling to risk processing a request that might be replayed.'],
  426: [
    'Upgrade Required',
    'The server refuses to perform the request using the current protocol but might be willing to do so after the client upgrades to a different protocol.',
  ],
  428: ['Precondition Required', 'The origin server requires the request to be conditional.'],
  429: ['Too Many Requests', 'The user has sent too many requests in a given amount of time ("rate limiting").'],
  431: ['Request Header Fields Too Large', 'The server is unwilling to process the request because its header fields are too large.'],
  451: ['Unavailable For Legal Reasons', 'The server refused this request because the request resource is legally restricted.'],
  500: ['Internal Server Error', 'The server encountered an unexpected condition that prevented it from fulfilling the request.'],
  501: ['Not Implemented', 'The server does not support the functionality required to fulfill the request.'],
  502: [
    'Bad Gateway',
    'The server, while acting as a gateway or proxy, received an invalid response from an inbound server it accessed while attempting to fulfill the request.',
  ],
  503: [
    'Service Unavailable',
    'The server is currently unable to handle the request due to a temporary overload or scheduled maintenance, which will likely be alleviated after some delay.',
  ],
  504: [
    'Gateway Timeout',
    'The server, while acting as a gateway or proxy, did not receive a timely response from an upstream server it needed to access in order to complete the request.',
  ],
  505: [
    'HTTP Version Not Supported',
    'The server does not support, or refuses to support, the major version of HTTP that was used in the request.',
  ],
  506: [
    'Variant Also Negotiates',
    'The server has an internal configuration error: the chosen variant resource is configured to engage in transparent content negotiation itself.',
  ],
  507: [
    'Insufficient Storage',
    'The method could not be performed on the resource because the server is unable to store the representation needed to successfully complete the request.',
  ],
  508: ['Loop Detected', 'The server terminated an operation because it encountered an infinite loop.'],
  511: ['Network Authentication Required', 'The client needs to authenticate to gain network access.'],
};

const STYLE =
  'body{font-family:Tahoma,Arial,sans-serif}h1,h2,h3,b{color:white;background-color:#525D76}' +
  'h1{font-size:22px}h2{font-size:16px}h3{font-size:14px}p{font-size:12px}a{color:black}' +
  '.line{height:1px;background-color:#525D76;border:none}';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The error page for a status, or null when there is nothing to say (an unknown status without a
 * message, as Tomcat does). The message and error are HTML-escaped and shown only with showReport.
 */
export function renderErrorPage(status: number, message: string | null, error: unknown, options: ErrorReportOptions): string | null {
  let text = message ?? '';
  if (text === '' && error instanceof Error && error.message !== '') {
    // Only the first line: later lines of a message often carry data (SQL, paths).
    text = error.message.split(/\r?\n/, 1)[0] ?? '';
  }
  const known = STATUS_TEXT[status];
  if (known === undefined && text === '') return null;
  const [reason, description] = known ?? ['Unknown Reason', 'No description available'];
  const title = escapeHtml(`HTTP Status ${status} – ${reason}`);
  let html = `<!doctype html><html lang="en"><head><title>${title}</title><style>${STYLE}</style></head>` + `<body><h1>${title}</h1>`;
  if (options.showReport) {
    html += '<hr class="line" />';
    html += `<p><b>Type</b> ${error === null || error === undefined ? 'Status Report' : 'Exception Report'}</p>`;
    if (text !== '') html += `<p><b>Message</b> ${escapeHtml(text)}</p>`;
    html += `<p><b>Description</b> ${escapeHtml(description)}</p>`;
    if (error !== null && error !== undefined) html += renderException(error);
  }
  if (options.showServerInfo) {
    html += `<hr class="line" /><h3>${escapeHtml(options.serverInfo ?? SERVER_INFO)}</h3>`;
  }
  return `${html}</body></html>`;
}

/**
 * True when the Accept header ranks application/json above text/html (RFC 9110 §12.5.1: the most specific
 * matching media range gives each type its q-value), so API clients get Tomcat's JsonErrorReportValve shape.
 */
export function prefersJson(accept: string | null): boolean {
  if (accept === null || accept.trim() === '') return false;
  const ranges = accept.split(',').flatMap((element) => {
    const [range, ...params] = element.split(';').map((s) => s.trim().toLowerCase());
    if (!range || !range.includes('/')) return [];
    let q = 1;
    for (const param of params) {
      const match = /^q=([01](?:\.\d{0,3})?)$/.exec(param);
      if (match) q = Number(match[1]);
    }
    return [{ range, q }];
  });
  const quality = (type: string): number => {
    const [major] = type.split('/');
    const exact = ranges.find((r) => r.range === type);
    if (exact) return exact.q;
    const wildcard = ranges.find((r) => r.range === `${major}/*`);
    if (wildcard) return wildcard.q;
    return ranges.find((r) => r.range === '*/*')?.q ?? 0;
  };
  const json = quality('application/json');
  return json > 0 && json > quality('text/html');
}

/** The error report as JSON: always the status and reason; message, description and exception only with showReport. */
export function renderErrorJson(status: number, message: string | null, error: unknown, options: ErrorReportOptions): string {
  const [reason, description] = STATUS_TEXT[status] ?? ['Unknown Reason', 'No description available'];
  const report: Record<string, unknown> = { status, reason };
  if (options.showReport) {
    report.type = error === null || error === undefined ? 'Status Report' : 'Exception Report';
    let text = message ?? '';
    if (text === '' && error instanceof Error) text = error.message.split(/\r?\n/, 1)[0] ?? '';
    report.message = text;
    report.description = description;
    if (error !== null && error !== undefined) report.exception = describe(error);
  }
  if (options.showServerInfo) report.server = options.serverInfo ?? SERVER_INFO;
  return JSON.stringify(report);
}

function renderException(error: unknown): string {
  let html = `<p><b>Exception</b></p><pre>${escapeHtml(describe(error))}</pre>`;
  const seen = new Set<unknown>([error]);
  let cause = error instanceof Error ? error.cause : undefined;
  // Bounded: a cause chain can be cyclic.
  for (let depth = 0; cause !== undefined && cause !== null && !seen.has(cause) && depth < 10; depth++) {
    seen.add(cause);
    html += `<p><b>Root Cause</b></p><pre>${escapeHtml(describe(cause))}</pre>`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return html;
}

/** The reason phrase and description of a status, when RFC 9110 defines it. */
export function statusText(status: number): readonly [reason: string, description: string] | undefined {
  return STATUS_TEXT[status];
}

/** The stack of an Error (its name and message when it has none), or the thrown value as text. */
export function describeError(error: unknown): string {
  return describe(error);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return 'Unprintable exception';
  }
}
