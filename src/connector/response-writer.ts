/** The response body as text (PrintWriter), encoded with the charset chosen when getWriter() was called. */
import { format } from 'node:util';
import type { PrintWriter } from '../servlet/servlet-streams.js';
import type { Charset } from './content-type.js';
import type { OutputBuffer } from './output-buffer.js';

export class ResponseWriter implements PrintWriter {
  readonly #buffer: OutputBuffer;
  readonly #charset: Charset;
  readonly #close: () => Promise<void>;
  #error = false;
  #closed = false;
  // A high surrogate at the end of one write belongs to the first code unit of the next.
  #pendingSurrogate = '';

  constructor(buffer: OutputBuffer, charset: Charset, close: () => Promise<void>) {
    this.#buffer = buffer;
    this.#charset = charset;
    this.#close = close;
  }

  write(text: string): void {
    if (this.#closed) {
      // PrintWriter never throws; it records the failure for checkError().
      this.#error = true;
      return;
    }
    let chars = this.#pendingSurrogate + text;
    this.#pendingSurrogate = '';
    const last = chars.charCodeAt(chars.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.#pendingSurrogate = chars.slice(-1);
      chars = chars.slice(0, -1);
    }
    // Encoding makes fresh bytes that nobody else holds: the buffer may keep them without a copy.
    if (chars !== '') this.#buffer.write(this.#charset.encode(chars), true);
  }

  print(value: unknown): void {
    this.write(String(value));
  }

  println(value?: unknown): void {
    // Tomcat's writer uses the platform line separator.
    this.write(arguments.length === 0 ? '\n' : `${String(value)}\n`);
  }

  format(template: string, ...args: unknown[]): void {
    this.write(format(template, ...args));
  }

  async flush(): Promise<void> {
    if (this.#closed) return;
    await this.#buffer.flush();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#pendingSurrogate !== '') {
      this.#buffer.write(this.#charset.encode(this.#pendingSurrogate), true);
      this.#pendingSurrogate = '';
    }
    this.#closed = true;
    await this.#close();
  }

  checkError(): boolean {
    return this.#error || this.#buffer.aborted;
  }
}
