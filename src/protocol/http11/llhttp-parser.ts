/**
 * The HTTP/1.1 request parser for a connection: node's parser binding driven directly when this Node's binding
 * passed its startup check (net/node-internals), else node:http's public server (public-parser.ts). Both are
 * llhttp, strict; the contract is net/http-parser.ts.
 */
import { MAX_HEADER_SIZE, type LlhttpError, type LlhttpParser, type ParserEvents } from '../../net/http-parser.js';
import { consumeSocket, createBindingParser, currentRead, releaseSocket } from '../../net/node-internals/index.js';
import { createPublicParser } from './public-parser.js';

export { consumeSocket, currentRead, MAX_HEADER_SIZE, releaseSocket };
export type { LlhttpError, LlhttpParser, ParserEvents };

/** A strict request parser calling `events`; maxHeaderSize bounds the head in bytes. */
export function createRequestParser(maxHeaderSize: number, events: ParserEvents): LlhttpParser {
  return createBindingParser(maxHeaderSize, events) ?? createPublicParser(maxHeaderSize, events);
}

/**
 * Whether the parser calls onMessageComplete (it does when created). Called from onHeadersComplete, it applies
 * to that message already.
 */
export function reportMessageComplete(parser: LlhttpParser, report: boolean): void {
  parser.reportMessageComplete(report);
}
