/**
 * The contract between the HTTP/1.1 MessageReader and the parser under it. Two parsers implement it, both
 * llhttp: node's parser binding driven directly (node-internals/llhttp-binding.ts, the fast path) and node:http's
 * public http.Server fed through an in-memory stream (protocol/http11/public-parser.ts, the fallback when the
 * binding is missing, misbehaves, or SERVAL_PUBLIC_HTTP_PARSER=1 asks for it).
 */

/**
 * The parser's callbacks, in the order llhttp calls them for one message.
 *
 * No callback marks a message's first byte: the binding enters JavaScript for every callback that is set
 * (a callback scope and a function call, ~1.7k instructions per request at 1 KB, bench/RESULTS.md), and the
 * processor learns what it needs from the head and from each read instead. onMessageComplete is only called
 * while reportMessageComplete() asks for it, for the same reason: a request without a body is complete with
 * its head.
 *
 * A parser may call them inside execute() or later (the public parser does when node:http defers its work):
 * their order is the order of the bytes either way.
 */
export interface ParserEvents {
  /**
   * Header fields that did not fit the parser's batch of 32, delivered before onHeadersComplete; after the
   * head they carry the trailer section of a chunked body (RFC 9112 §7.1.2).
   */
  onHeaders(fields: string[], url: string): void;
  /** The head is complete. `fields` and `url` are empty when they came through onHeaders already. */
  onHeadersComplete(
    versionMajor: number,
    versionMinor: number,
    fields: string[] | undefined,
    method: string,
    url: string | undefined,
    upgrade: boolean,
    shouldKeepAlive: boolean,
  ): void;
  /** A piece of the body, decoded from its framing; the buffer is the parser's own copy. */
  onBody(chunk: Buffer): void;
  onMessageComplete(): void;
  /**
   * A parse error reported outside execute() (the public parser); `packet` is the read it failed in. The
   * binding parser returns its errors from execute() instead.
   */
  onError(error: LlhttpError, packet: Buffer | undefined): void;
}

/** A parse error as llhttp reports it: its code (HPE_…) and reason. */
export interface LlhttpError extends Error {
  readonly code: string;
  readonly reason?: string;
  readonly bytesParsed?: number;
}

/** One connection's request parser. */
export interface LlhttpParser {
  /**
   * Parses one read: returns the bytes consumed or the parse error. A parser whose events may come later
   * (the public one) takes every byte and reports errors through ParserEvents.onError.
   */
  execute(data: Buffer): number | LlhttpError;
  /**
   * Whether onMessageComplete is called (it is when the parser is created). Called from onHeadersComplete,
   * it applies to that message already.
   */
  reportMessageComplete(report: boolean): void;
  /** Frees the parser; nothing is reported after this. */
  close(): void;
  /**
   * False: after a request asking for an Upgrade, llhttp treats what follows as another protocol, so the
   * reader must read the next request with a fresh parser (message-reader.ts). True: the parser does so
   * itself.
   */
  readonly continuesAfterUpgrade: boolean;
}

/** The largest header limit llhttp accepts (an unsigned 32-bit count): "unlimited". */
export const MAX_HEADER_SIZE = 0x7fffffff;
