/** The request body: a ServletInputStream over the exchange body or an already-read body, and the bounded whole-body read for forms. */
import { Readable } from 'node:stream';
import { ContainerError } from '../errors/container-error.js';
import { isBlockingBody } from '../protocol/blocking-body.js';
import type { ServletInputStream } from '../servlet/servlet-streams.js';

export class RequestInputStream extends Readable implements ServletInputStream {
  readonly #source: Readable | Uint8Array;
  #attached = false;
  #sourceEnded = false;
  readonly #onData = (chunk: Buffer): void => {
    if (!this.push(chunk) && this.#source instanceof Readable) this.#source.pause();
  };
  readonly #onEnd = (): void => {
    this.#sourceEnded = true;
    this.#detach();
    this.push(null);
  };
  readonly #onError = (error: Error): void => {
    this.#detach();
    this.destroy(error);
  };

  /** The exchange body is read on demand; it is never destroyed here (the processor owns it). */
  constructor(source: Readable | Uint8Array) {
    super();
    this.#source = source;
  }

  override _read(): void {
    const source = this.#source;
    if (!(source instanceof Readable)) {
      if (source.length > 0) this.push(Buffer.from(source));
      this.#sourceEnded = true;
      this.push(null);
      return;
    }
    if (this.#attached) {
      source.resume();
      return;
    }
    this.#attached = true;
    if (source.readableEnded) {
      this.#onEnd();
      return;
    }
    source.on('data', this.#onData);
    source.once('end', this.#onEnd);
    source.once('error', this.#onError);
    source.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#detach();
    callback(error);
  }

  #detach(): void {
    if (!(this.#source instanceof Readable)) return;
    this.#source.off('data', this.#onData);
    this.#source.off('end', this.#onEnd);
    this.#source.off('error', this.#onError);
  }

  async readAllBytes(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /**
   * Blocking-style connectors only: reads the rest of the body synchronously, blocking the worker thread until
   * the main thread has streamed it in. Throws SV_ERR_REQUEST_BLOCKING_READ_UNSUPPORTED on the event loop.
   */
  readAllBytesSync(): Buffer {
    const chunks: Buffer[] = [];
    for (let chunk = this.readSync(); chunk !== null; chunk = this.readSync()) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /** Blocking-style connectors only: the next chunk of the body, blocking until it arrives; null at the end. */
  readSync(): Buffer | null {
    const source = this.#source;
    if (!(source instanceof Readable)) {
      // A form body already read whole: no blocking involved, so any connector can serve it.
      if (this.#sourceEnded) return null;
      this.#sourceEnded = true;
      return source.length > 0 ? Buffer.from(source) : null;
    }
    if (!isBlockingBody(source)) throw new ContainerError('SV_ERR_REQUEST_BLOCKING_READ_UNSUPPORTED', { method: 'readSync' });
    if (this.#attached) {
      source.pause();
      this.#detach();
    }
    // What the asynchronous side already took in comes first.
    if (this.readableLength > 0) return this.read() as Buffer;
    const chunk = source.readSync();
    if (chunk === null) this.#sourceEnded = true;
    return chunk;
  }

  isFinished(): boolean {
    return this.readableEnded || (this.#sourceEnded && this.readableLength === 0);
  }
}

/**
 * Reads a whole body up to `limit` bytes (413 beyond). Listeners, not async iteration: iteration would destroy
 * the processor's stream on error, and the processor decides whether to swallow or close.
 */
export function readBodyLimited(body: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        body.pause();
        reject(new ContainerError('SV_ERR_HTTP_POST_TOO_LARGE', { size, limit }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    if (body.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    body.resume();
  });
}
