/** The request body as text (BufferedReader), decoded incrementally with the request's character encoding. */
import type { BufferedReader } from '../servlet/servlet-streams.js';
import type { Charset } from './content-type.js';
import type { RequestInputStream } from './request-input-stream.js';

export class RequestReader implements BufferedReader {
  readonly #stream: RequestInputStream;
  readonly #charset: Charset;

  constructor(stream: RequestInputStream, charset: Charset) {
    this.#stream = stream;
    this.#charset = charset;
  }

  async readAll(): Promise<string> {
    const decoder = this.#charset.newDecoder();
    let text = '';
    for await (const chunk of this.#stream) text += decoder.write(chunk as Buffer);
    return text + decoder.end();
  }

  /** Lines end at LF, CRLF or CR (like Java's readLine); a final line without a terminator is still yielded. */
  async *lines(): AsyncIterable<string> {
    const decoder = this.#charset.newDecoder();
    let pending = '';
    for await (const chunk of this.#stream) {
      pending += decoder.write(chunk as Buffer);
      let start = 0;
      for (let i = 0; i < pending.length; i++) {
        const c = pending[i];
        if (c !== '\n' && c !== '\r') continue;
        // A CR at the end of the decoded text may be the first half of a CRLF split across chunks.
        if (c === '\r' && i === pending.length - 1) break;
        yield pending.slice(start, i);
        if (c === '\r' && pending[i + 1] === '\n') i++;
        start = i + 1;
      }
      pending = pending.slice(start);
    }
    pending += decoder.end();
    const parts = pending.split(/\r\n|\r|\n/);
    if (parts[parts.length - 1] === '') parts.pop();
    for (const part of parts) yield part;
  }
}
