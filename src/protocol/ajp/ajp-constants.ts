/**
 * AJP/1.3 wire constants: packet magic, message types, method codes and the coded header and attribute
 * names (the mod_jk protocol document, "AJPv13"; node-runtime.md §6).
 */

/** Packets from the web server start with 0x12 0x34; packets to it with 'A' 'B'. */
export const MAGIC_FROM_SERVER = 0x1234;
export const MAGIC_TO_SERVER = 0x4142;
/** Magic plus the u16 payload length. */
export const PACKET_HEADER_SIZE = 4;
export const DEFAULT_PACKET_SIZE = 8192;
export const MAX_PACKET_SIZE = 65536;
/** A u16 string length of 0xFFFF means "null": no bytes and no terminator follow. */
export const NULL_STRING_LENGTH = 0xffff;

/** Message type, the first payload byte (body packets from the web server carry none). */
export const MessageType = {
  FORWARD_REQUEST: 2,
  SEND_BODY_CHUNK: 3,
  SEND_HEADERS: 4,
  END_RESPONSE: 5,
  GET_BODY_CHUNK: 6,
  SHUTDOWN: 7,
  PING: 8,
  CPONG: 9,
  CPING: 10,
} as const;

/** FORWARD_REQUEST method byte → name; 0xFF means the name travels in the stored_method attribute. */
export const METHODS: readonly string[] = [
  '',
  'OPTIONS',
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'TRACE',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'ACL',
  'REPORT',
  'VERSION-CONTROL',
  'CHECKIN',
  'CHECKOUT',
  'UNCHECKOUT',
  'SEARCH',
  'MKWORKSPACE',
  'UPDATE',
  'LABEL',
  'MERGE',
  'BASELINE-CONTROL',
  'MKACTIVITY',
];
export const STORED_METHOD_CODE = 0xff;

/** Request header codes 0xA001… (index = low byte − 1); names lower-case as the web servers send them. */
export const REQUEST_HEADER_NAMES: readonly string[] = [
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'authorization',
  'connection',
  'content-type',
  'content-length',
  'cookie',
  'cookie2',
  'host',
  'pragma',
  'referer',
  'user-agent',
];

/** Response header codes 0xA001…, looked up by lower-case name. */
export const RESPONSE_HEADER_CODES: ReadonlyMap<string, number> = new Map(
  [
    'content-type',
    'content-language',
    'content-length',
    'date',
    'last-modified',
    'location',
    'set-cookie',
    'set-cookie2',
    'servlet-engine',
    'status',
    'www-authenticate',
  ].map((name, index) => [name, 0xa001 + index]),
);

/** FORWARD_REQUEST attribute codes. */
export const Attribute = {
  CONTEXT: 0x01,
  SERVLET_PATH: 0x02,
  REMOTE_USER: 0x03,
  AUTH_TYPE: 0x04,
  QUERY_STRING: 0x05,
  ROUTE: 0x06,
  SSL_CERT: 0x07,
  SSL_CIPHER: 0x08,
  SSL_SESSION: 0x09,
  REQ_ATTRIBUTE: 0x0a,
  SSL_KEY_SIZE: 0x0b,
  SECRET: 0x0c,
  STORED_METHOD: 0x0d,
  ARE_DONE: 0xff,
} as const;

/** req_attribute names the connector understands itself (Tomcat's AjpProcessor). */
export const REQ_ATTRIBUTE_REMOTE_PORT = 'AJP_REMOTE_PORT';
export const REQ_ATTRIBUTE_LOCAL_ADDR = 'AJP_LOCAL_ADDR';
export const REQ_ATTRIBUTE_SSL_PROTOCOL = 'AJP_SSL_PROTOCOL';
/** mod_jk's load-balancer state of the worker; harmless and passed on as a request attribute. */
export const REQ_ATTRIBUTE_LB_ACTIVATION = 'JK_LB_ACTIVATION';
