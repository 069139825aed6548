/** Decodes a FORWARD_REQUEST payload into its fields, exactly as sent; policy (secret, allowed attributes) is applied elsewhere. */
import { Attribute, MessageType, METHODS, REQUEST_HEADER_NAMES, STORED_METHOD_CODE } from './ajp-constants.js';
import { AjpMessageCursor } from './ajp-message-cursor.js';

export interface ForwardRequest {
  readonly method: string;
  readonly protocol: string;
  /** The path as the web server sent it (still %-encoded for mod_proxy_ajp); the query travels separately. */
  readonly requestUri: string;
  readonly remoteAddress: string;
  readonly remoteHost: string | null;
  readonly serverName: string;
  readonly serverPort: number;
  readonly isSsl: boolean;
  /** Header fields in order, coded names expanded to lower case. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly queryString: string | null;
  readonly remoteUser: string | null;
  readonly authType: string | null;
  readonly route: string | null;
  readonly sslCert: string | null;
  readonly sslCipher: string | null;
  readonly sslSession: string | null;
  readonly sslKeySize: number | null;
  /** null = the attribute was absent. */
  readonly secret: string | null;
  /** req_attribute name/value pairs in order. */
  readonly requestAttributes: ReadonlyArray<readonly [string, string]>;
}

const CODED_HEADER_MASK = 0xff00;
const CODED_HEADER_PREFIX = 0xa000;

export function decodeForwardRequest(payload: Buffer): ForwardRequest {
  // Annotated, so the compiler sees that cursor.fail() never returns.
  const cursor: AjpMessageCursor = new AjpMessageCursor(payload, 'FORWARD_REQUEST');
  const type = cursor.byte('type');
  if (type !== MessageType.FORWARD_REQUEST) cursor.fail('the message type is not FORWARD_REQUEST but', type);
  const methodCode = cursor.byte('method');
  if (methodCode !== STORED_METHOD_CODE && (methodCode === 0 || methodCode >= METHODS.length)) {
    cursor.fail('unknown method code', methodCode);
  }
  const protocol = cursor.requiredString('protocol');
  const requestUri = cursor.requiredString('req_uri');
  const remoteAddress = cursor.string('remote_addr') ?? '';
  const remoteHost = cursor.string('remote_host');
  const serverName = cursor.string('server_name') ?? '';
  const serverPort = cursor.int('server_port');
  const isSsl = cursor.bool('is_ssl');
  const headerCount = cursor.int('num_headers');
  const headers: Array<readonly [string, string]> = [];
  for (let i = 0; i < headerCount; i++) {
    const peek = cursor.peekInt('header name');
    let name: string;
    if ((peek & CODED_HEADER_MASK) === CODED_HEADER_PREFIX) {
      cursor.int('header code');
      const known = REQUEST_HEADER_NAMES[(peek & 0xff) - 1];
      name = known ?? cursor.fail('unknown header code', `0x${peek.toString(16)}`);
    } else {
      name = cursor.requiredString('header name');
    }
    headers.push([name, cursor.string('header value') ?? '']);
  }

  let queryString: string | null = null;
  let remoteUser: string | null = null;
  let authType: string | null = null;
  let route: string | null = null;
  let sslCert: string | null = null;
  let sslCipher: string | null = null;
  let sslSession: string | null = null;
  let sslKeySize: number | null = null;
  let secret: string | null = null;
  let storedMethod: string | null = null;
  const requestAttributes: Array<readonly [string, string]> = [];
  for (;;) {
    const code = cursor.byte('attribute code');
    if (code === Attribute.ARE_DONE) break;
    switch (code) {
      case Attribute.CONTEXT:
      case Attribute.SERVLET_PATH:
        // Defined by the protocol but never used by web servers; Tomcat ignores them too.
        cursor.string('context');
        break;
      case Attribute.REMOTE_USER:
        remoteUser = cursor.string('remote_user');
        break;
      case Attribute.AUTH_TYPE:
        authType = cursor.string('auth_type');
        break;
      case Attribute.QUERY_STRING:
        queryString = cursor.string('query_string');
        break;
      case Attribute.ROUTE:
        route = cursor.string('route');
        break;
      case Attribute.SSL_CERT:
        sslCert = cursor.string('ssl_cert');
        break;
      case Attribute.SSL_CIPHER:
        sslCipher = cursor.string('ssl_cipher');
        break;
      case Attribute.SSL_SESSION:
        sslSession = cursor.string('ssl_session');
        break;
      case Attribute.SSL_KEY_SIZE:
        // An integer, not a string, in both mod_jk and mod_proxy_ajp.
        sslKeySize = cursor.int('ssl_key_size');
        break;
      case Attribute.REQ_ATTRIBUTE: {
        const name = cursor.requiredString('req_attribute name');
        requestAttributes.push([name, cursor.string('req_attribute value') ?? '']);
        break;
      }
      case Attribute.SECRET:
        secret = cursor.string('secret') ?? '';
        break;
      case Attribute.STORED_METHOD:
        storedMethod = cursor.requiredString('stored_method');
        break;
      default:
        // An unknown code cannot be skipped: its value's length is unknown, so the rest would be garbage.
        cursor.fail('unknown attribute code', `0x${code.toString(16)}`);
    }
  }
  if (cursor.remaining !== 0) cursor.fail('extra bytes after the attribute terminator', cursor.remaining);

  let method: string;
  if (methodCode === STORED_METHOD_CODE) {
    if (storedMethod === null || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(storedMethod)) {
      cursor.fail('method code 0xFF needs a stored_method token, got', storedMethod ?? 'none');
    }
    method = storedMethod;
  } else {
    method = METHODS[methodCode] as string;
  }

  return {
    method,
    protocol,
    requestUri,
    remoteAddress,
    remoteHost,
    serverName,
    serverPort,
    isSsl,
    headers,
    queryString,
    remoteUser,
    authType,
    route,
    sslCert,
    sslCipher,
    sslSession,
    sslKeySize,
    secret,
    requestAttributes,
  };
}
