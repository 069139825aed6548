/**
 * The body streams a servlet reads and writes. Reads are asynchronous (Node never blocks the event loop), except
 * the synchronous reads a blocking-style connector offers to servlets running on its worker threads.
 */
import type { Readable } from 'node:stream';

/** The request body: a Node Readable (async-iterable, pipeable) with helpers for reading it whole. */
export interface ServletInputStream extends Readable {
  /** Reads the rest of the body. */
  readAllBytes(): Promise<Buffer>;
  /**
   * Reads the rest of the body synchronously, blocking the thread until it has arrived. Only on a
   * blocking-style connector (servlets run on worker threads); elsewhere it throws
   * SV_ERR_REQUEST_BLOCKING_READ_UNSUPPORTED.
   */
  readAllBytesSync(): Buffer;
  /** The next chunk of the body, blocking until it arrives; null at the end. Blocking-style connectors only. */
  readSync(): Buffer | null;
  isFinished(): boolean;
}

/** The request body decoded with the request's character encoding. */
export interface BufferedReader {
  /** Reads the rest of the body as text. */
  readAll(): Promise<string>;
  /** Yields the body line by line (without the line terminator). */
  lines(): AsyncIterable<string>;
}

/**
 * The response body as bytes. Writes are buffered (response bufferSize); once the buffer is full the
 * response is committed and data streams to the client. `flush()` resolves when the bytes are handed to
 * the socket and it has room for more (back-pressure).
 */
export interface ServletOutputStream {
  write(data: Uint8Array | string): void;
  print(value: unknown): void;
  println(value?: unknown): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The response body as text, encoded with the response's character encoding. */
export interface PrintWriter {
  write(text: string): void;
  print(value: unknown): void;
  println(value?: unknown): void;
  /** printf-free formatting: `format('a=%s b=%d', a, b)` with Node's util.format rules. */
  format(template: string, ...args: unknown[]): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  checkError(): boolean;
}
