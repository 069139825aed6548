/**
 * Reads a multipart/form-data request body into Parts before the servlet runs (so getParts() can stay
 * synchronous): busboy splits the body and decodes dispositions, MultipartScanner bounds part count and part
 * header size and keeps the raw headers, and file parts above fileSizeThreshold stream to a temporary file.
 * Every limit is checked while reading, before the offending bytes are kept.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { ContainerError } from '../errors/container-error.js';
import { ContainerPart, type PartContent } from './multipart-part.js';
import { multipartBoundary, MultipartScanner, type PartHeaders } from './multipart-scanner.js';

export interface MultipartLimits {
  /** Connector limits; Infinity = none. */
  readonly maxPartCount: number;
  readonly maxPartHeaderSize: number;
  /** Bounds the form fields (parts without a file name) as if they were a urlencoded body, like Tomcat. */
  readonly maxPostSize: number;
  /** The servlet's multipart config; Infinity = none. */
  readonly maxFileSize: number;
  readonly maxRequestSize: number;
  readonly fileSizeThreshold: number;
  /** Absolute folder for temporary files (created on first use). */
  readonly location: string;
  /** For messages. */
  readonly servletName: string;
}

/**
 * Parses the body; on failure every temporary file already written is removed and a coded ContainerError
 * (400/413, close-clean) is thrown. The body is never destroyed: the processor swallows or closes.
 */
export async function readMultipart(
  body: Readable,
  contentType: string,
  contentLength: number,
  limits: MultipartLimits,
): Promise<ContainerPart[]> {
  if (contentLength > limits.maxRequestSize) throw requestTooLarge(contentLength, limits);
  const boundary = multipartBoundary(contentType);
  if (boundary === null)
    throw new ContainerError('SV_ERR_HTTP_MULTIPART_MALFORMED', { reason: 'the Content-Type has no boundary parameter' });
  const parts: ContainerPart[] = [];
  const files: string[] = [];
  try {
    await new MultipartRead(body, contentType, boundary, limits, parts, files).run();
    return parts;
  } catch (error) {
    await removeFiles(files);
    throw error;
  }
}

/**
 * The folder for a servlet's temporary files: its multipart-config location when absolute, else that location
 * inside a per-Context folder under the OS temporary directory (Tomcat: the Context's work directory).
 */
export function uploadFolder(hostName: string, contextName: string, location: string): string {
  if (isAbsolute(location)) return location;
  const safe = (name: string): string => name.replace(/[^A-Za-z0-9._#-]/g, '_') || 'ROOT';
  return join(tmpdir(), 'serval-work', safe(hostName), safe(contextName), location);
}

/** Removes temporary files, ignoring those already gone (moved by Part.write or deleted). */
export async function removeFiles(files: readonly string[]): Promise<void> {
  await Promise.all(files.map((file) => rm(file, { force: true }).catch(() => undefined)));
}

class MultipartRead {
  readonly #body: Readable;
  readonly #limits: MultipartLimits;
  readonly #parts: ContainerPart[];
  readonly #files: string[];
  readonly #scanner: MultipartScanner;
  readonly #parser: busboy.Busboy;
  /** Header sections seen by the scanner and not yet matched to a part busboy reported. */
  readonly #headerQueue: PartHeaders[] = [];
  readonly #pending: Promise<void>[] = [];
  #failure: unknown = null;
  #received = 0;
  /** Size of the form fields counted as Tomcat does for maxPostSize: name=value& per field. */
  #postSize = 0;
  #folderReady: Promise<void> | null = null;
  #settle: ((error: unknown) => void) | null = null;

  constructor(body: Readable, contentType: string, boundary: string, limits: MultipartLimits, parts: ContainerPart[], files: string[]) {
    this.#body = body;
    this.#limits = limits;
    this.#parts = parts;
    this.#files = files;
    this.#scanner = new MultipartScanner(boundary, limits, (headers) => this.#headerQueue.push(headers));
    try {
      this.#parser = busboy({
        headers: { 'content-type': contentType },
        // latin1 keeps each field's bytes recoverable; the request's charset decodes them later (Servlet §3.12).
        defCharset: 'latin1',
        defParamCharset: 'utf8',
        limits: {
          // One more than allowed, so reaching busboy's limit means the part is over ours.
          fileSize: limits.maxFileSize + 1,
          fieldSize: Math.min(limits.maxFileSize, limits.maxPostSize) + 1,
        },
      });
    } catch (error) {
      throw parserError(error);
    }
  }

  run(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const body = this.#body;
      const parser = this.#parser;
      let done = false;
      const onData = (chunk: Buffer): void => {
        if (done) return;
        try {
          this.#received += chunk.length;
          if (this.#received > this.#limits.maxRequestSize) throw requestTooLarge(this.#received, this.#limits);
          this.#scanner.push(chunk);
          if (!parser.write(chunk)) {
            body.pause();
            parser.once('drain', () => {
              if (!done) body.resume();
            });
          }
        } catch (error) {
          finish(error);
        }
        if (this.#failure !== null) finish(this.#failure);
      };
      const onEnd = (): void => {
        if (!done) parser.end();
      };
      const onError = (error: Error): void => finish(error);
      const finish = (error: unknown): void => {
        if (done) return;
        done = true;
        body.off('data', onData);
        body.off('end', onEnd);
        body.off('error', onError);
        if (error !== null) {
          body.pause();
          parser.destroy();
        }
        // Wait for every file write to settle so no temporary file appears after the caller cleaned up.
        void Promise.allSettled(this.#pending).then(() => {
          const failure = error ?? this.#failure;
          // What the stream or the parser failed with, passed on as it came.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          if (failure !== null) reject(failure);
          else if (!this.#scanner.complete) {
            reject(new ContainerError('SV_ERR_HTTP_MULTIPART_MALFORMED', { reason: 'the body ended before the closing boundary' }));
          } else resolve();
        });
      };
      this.#settle = finish;
      parser.on('file', (name, stream, info) => this.#onFile(name, stream, info.filename ?? null));
      parser.on('field', (name, value, info) => this.#onField(name, value, info));
      parser.on('error', (error: Error) => finish(this.#failure ?? parserError(error)));
      parser.on('close', () => finish(null));
      if (body.readableEnded) {
        parser.end();
        return;
      }
      body.on('data', onData);
      body.once('end', onEnd);
      body.once('error', onError);
      body.resume();
    });
  }

  /** Records the first failure; the read stops after busboy's current write returns (never inside it). */
  #fail(error: unknown): void {
    this.#failure ??= error;
    queueMicrotask(() => this.#settle?.(this.#failure));
  }

  /** The raw headers of the next part busboy reports: it skips parts without a form-data disposition, so do we. */
  #nextHeaders(): PartHeaders {
    for (let headers = this.#headerQueue.shift(); headers !== undefined; headers = this.#headerQueue.shift()) {
      const disposition = headers.find(([name]) => name.toLowerCase() === 'content-disposition')?.[1];
      if (disposition !== undefined && /^form-data\s*(?:;|$)/i.test(disposition)) return headers;
    }
    return [];
  }

  #onField(name: string, value: string, info: busboy.FieldInfo): void {
    const headers = this.#nextHeaders();
    // busboy decoded with the part's charset, or latin1 when it named none: turn it back into the sent bytes.
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '')?.[1];
    const bytes = Buffer.from(value, charset === undefined ? 'latin1' : 'utf8');
    if (info.valueTruncated) {
      this.#fail(
        this.#limits.maxFileSize <= this.#limits.maxPostSize
          ? fileTooLarge(name, this.#limits)
          : new ContainerError('SV_ERR_HTTP_POST_TOO_LARGE', { size: this.#postSize + bytes.length, limit: this.#limits.maxPostSize }),
      );
      return;
    }
    if (!this.#countField(name, bytes.length)) return;
    this.#parts.push(new ContainerPart(name, null, headers, { kind: 'memory', bytes }, this.#limits.location));
  }

  /** Tomcat's maxPostSize arithmetic for a form field; false (and the request failed) when over. */
  #countField(name: string, size: number): boolean {
    this.#postSize += Buffer.byteLength(name) + 1 + size + 1;
    if (this.#postSize <= this.#limits.maxPostSize) return true;
    this.#fail(new ContainerError('SV_ERR_HTTP_POST_TOO_LARGE', { size: this.#postSize, limit: this.#limits.maxPostSize }));
    return false;
  }

  #onFile(name: string, stream: Readable, fileName: string | null): void {
    const headers = this.#nextHeaders();
    // Registered before the part's index is known, so the order of getParts() is the order on the wire.
    const index = this.#parts.push(null as unknown as ContainerPart) - 1;
    stream.on('limit', () => this.#fail(fileTooLarge(name, this.#limits)));
    const task = this.#spool(stream, fileName === null).then(
      (content) => {
        this.#parts[index] = new ContainerPart(name, fileName, headers, content, this.#limits.location);
        // A part busboy treats as a file only because of its type (no file name) is still a form field.
        if (fileName === null) this.#countField(name, content.kind === 'memory' ? content.bytes.length : content.size);
      },
      (error: unknown) => this.#fail(error),
    );
    this.#pending.push(task);
  }

  /**
   * Keeps the content in memory up to fileSizeThreshold, then moves it to a temporary file. Form fields stay
   * in memory: maxPostSize bounds them, and getParameter() needs them synchronously.
   */
  async #spool(stream: Readable, isField: boolean): Promise<PartContent> {
    const chunks: Buffer[] = [];
    let size = 0;
    let out: WriteStream | null = null;
    let path = '';
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (this.#failure !== null) break;
        if (isField && this.#postSize + size > this.#limits.maxPostSize) {
          throw new ContainerError('SV_ERR_HTTP_POST_TOO_LARGE', { size: this.#postSize + size, limit: this.#limits.maxPostSize });
        }
        if (out === null) {
          chunks.push(chunk);
          if (isField || size <= this.#limits.fileSizeThreshold) continue;
          await this.#folder();
          path = join(this.#limits.location, `upload_${randomUUID()}.tmp`);
          this.#files.push(path);
          out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
          for (const buffered of chunks.splice(0)) if (!out.write(buffered)) await drained(out);
        } else if (!out.write(chunk)) {
          await drained(out);
        }
      }
    } finally {
      if (out !== null) await closed(out);
    }
    return out === null ? { kind: 'memory', bytes: Buffer.concat(chunks, size) } : { kind: 'file', path, size };
  }

  #folder(): Promise<void> {
    this.#folderReady ??= mkdir(this.#limits.location, { recursive: true }).then(() => undefined);
    return this.#folderReady;
  }
}

function drained(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      out.off('error', onError);
      resolve();
    };
    const onError = (error: Error): void => {
      out.off('drain', onDrain);
      reject(error);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

function closed(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    out.end((error?: Error | null) => (error ? reject(error) : resolve()));
  });
}

function parserError(error: unknown): ContainerError {
  return new ContainerError('SV_ERR_HTTP_MULTIPART_PARSER', { detail: (error as Error).message }, { cause: error });
}

function requestTooLarge(size: number, limits: MultipartLimits): ContainerError {
  return new ContainerError('SV_ERR_HTTP_MULTIPART_REQUEST_TOO_LARGE', { size, limit: limits.maxRequestSize, servlet: limits.servletName });
}

function fileTooLarge(name: string, limits: MultipartLimits): ContainerError {
  return new ContainerError('SV_ERR_HTTP_MULTIPART_FILE_TOO_LARGE', { name, limit: limits.maxFileSize, servlet: limits.servletName });
}
