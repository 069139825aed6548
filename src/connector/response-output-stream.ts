/** The response body as bytes (ServletOutputStream) over the response's OutputBuffer. */
import type { ServletOutputStream } from '../servlet/servlet-streams.js';
import type { OutputBuffer } from './output-buffer.js';

export class ResponseOutputStream implements ServletOutputStream {
  readonly #buffer: OutputBuffer;
  readonly #encode: (text: string) => Uint8Array;
  readonly #close: () => Promise<void>;

  /**
   * `encode` turns strings into bytes. Java's print(String) only takes ISO-8859-1; here strings are encoded
   * with the response's character encoding, which is what JavaScript callers expect.
   */
  constructor(buffer: OutputBuffer, encode: (text: string) => Uint8Array, close: () => Promise<void>) {
    this.#buffer = buffer;
    this.#encode = encode;
    this.#close = close;
  }

  write(data: Uint8Array | string): void {
    // Encoded text is fresh and owned by the buffer; the application's own bytes are copied by it.
    if (typeof data === 'string') this.#buffer.write(this.#encode(data), true);
    else this.#buffer.write(data);
  }

  print(value: unknown): void {
    this.write(String(value));
  }

  println(value?: unknown): void {
    // ServletOutputStream.println ends lines with CRLF.
    this.write(arguments.length === 0 ? '\r\n' : `${String(value)}\r\n`);
  }

  flush(): Promise<void> {
    return this.#buffer.flush();
  }

  /** Closing the stream completes the response (Servlet spec §5.7). */
  close(): Promise<void> {
    return this.#close();
  }
}
