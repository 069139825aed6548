/**
 * What a request carries in its body, as the Servlet API hands it out (Servlet spec §3.1–3.2, §3.12): the
 * character encoding, the parameters (query string, form body, multipart form fields), the multipart parts,
 * and the body as a stream or a reader — each source usable once, with Tomcat's rules between them.
 */
import { PartFacade } from './part-facade.js';
import type { Readable } from 'node:stream';
import type { ConnectorConfig } from '../config/server-config.js';
import type { MultipartConfigDefinition } from '../core/context-definition.js';
import { ContainerError } from '../errors/container-error.js';
import type { Part } from '../servlet/part.js';
import type { BufferedReader, ServletInputStream } from '../servlet/servlet-streams.js';
import type { ContainerRequest } from './container-request.js';
import { lookupCharset, parseContentType, type Charset } from './content-type.js';
import type { ContainerPart } from './multipart-part.js';
import { readMultipart, removeFiles, uploadFolder } from './multipart-reader.js';
import type { ParameterParseFailure } from '../filters/parameter-parse-attributes.js';
import { Parameters } from './parameters.js';
import { readBodyLimited, RequestInputStream } from './request-input-stream.js';
import { RequestReader } from './request-reader.js';

const DEFAULT_CHARSET = 'UTF-8';
const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
const MULTIPART_CONTENT_TYPE = 'multipart/form-data';
/** allowCasualMultipartParsing: parts without a servlet multipart config, bounded by the connector only. */
const CASUAL_MULTIPART: MultipartConfigDefinition = { location: '', maxFileSize: Infinity, maxRequestSize: Infinity, fileSizeThreshold: 0 };

export class RequestContent {
  readonly #request: ContainerRequest;
  readonly #connector: ConnectorConfig;
  #parameters: Parameters | null = null;
  #parameterError: unknown = null;
  #formBody: Buffer | null = null;
  #formBodyTakenByStream = false;
  /** A FORM login's saved body, replayed as this request's body (restoreBody). */
  #restoredBody: Buffer | null = null;
  #encodingOverride: string | null = null;
  #inputStream: RequestInputStream | null = null;
  #reader: RequestReader | null = null;
  /** The multipart body's parts once read; null = not a multipart request the servlet may see parts of. */
  #parts: ContainerPart[] | null = null;
  /** What getParts() hands out: one facade per part, made once. */
  #partFacades: Part[] | null = null;

  constructor(request: ContainerRequest, connector: ConnectorConfig) {
    this.#request = request;
    this.#connector = connector;
  }

  /** What readFormBody kept, or the body read now up to `limit` bytes; null above it. */
  async readBodyToSave(limit: number): Promise<Buffer | null> {
    if (this.#formBody !== null) return this.#formBody.length > limit ? null : this.#formBody;
    try {
      return await readBodyLimited(this.#request.exchange.body, limit);
    } catch (error) {
      if (error instanceof ContainerError && error.code === 'SV_ERR_HTTP_POST_TOO_LARGE') return null;
      throw error;
    }
  }

  /** The saved body of a FORM login becomes this request's body: parameters and streams read it from now on. */
  restoreBody(body: Buffer | null): void {
    const contentType = this.#request.getContentType();
    const isForm = contentType !== null && parseContentType(contentType).mediaType === FORM_CONTENT_TYPE;
    this.#restoredBody = body ?? Buffer.alloc(0);
    this.#formBody = isForm ? this.#restoredBody : null;
    this.#formBodyTakenByStream = false;
    this.#parameters = null;
    this.#parameterError = null;
  }

  getCharacterEncoding(): string | null {
    if (this.#encodingOverride !== null) return this.#encodingOverride;
    const contentType = this.#request.getContentType();
    const fromHeader = contentType === null ? null : parseContentType(contentType).charset;
    return fromHeader ?? this.#request.getBinding()?.requestCharacterEncoding ?? null;
  }

  /** Ignored once the reader exists or the parameters were parsed (Servlet spec §3.12); unknown charsets throw. */
  setCharacterEncoding(encoding: string): void {
    if (this.#reader !== null || this.#parameters !== null) return;
    if (lookupCharset(encoding) === null) throw new ContainerError('SV_ERR_REQUEST_UNSUPPORTED_ENCODING', { encoding });
    this.#encodingOverride = encoding;
  }

  /**
   * Reads a multipart or application/x-www-form-urlencoded POST body before the application runs, so
   * getParameter() can stay synchronous and a breached limit is the connector's 4xx (and an access-log line)
   * rather than an exception inside a servlet: maxPostSize (a declared Content-Length before reading, a
   * chunked body while reading), then maxParameterCount. Synchronous (no promise) for the common request
   * that has neither: only a body to read costs an await.
   */
  readFormBody(): void | Promise<void> {
    if (this.#formBody === null && this.#parts === null && !this.#isMultipart() && this.#request.getMethod() !== 'POST') {
      this.#checkParameterCount();
      return;
    }
    return this.#readBodyThenCheck();
  }

  async #readBodyThenCheck(): Promise<void> {
    await this.#readMultipart();
    const request = this.#request;
    if (this.#formBody === null && request.getMethod() === 'POST') {
      const contentType = request.getContentType();
      if (contentType !== null && parseContentType(contentType).mediaType === FORM_CONTENT_TYPE) {
        const limit = this.#connector.maxPostSize;
        const length = request.getContentLength();
        if (length > limit) throw new ContainerError('SV_ERR_HTTP_POST_TOO_LARGE', { size: length, limit });
        this.#formBody = await readBodyLimited(request.exchange.body, limit);
      }
    }
    this.#checkParameterCount();
  }

  #checkParameterCount(): void {
    const maxParameters = this.#connector.maxParameterCount;
    if (!Number.isFinite(maxParameters)) return;
    if (this.parameterCount() > maxParameters) throw new ContainerError('SV_ERR_HTTP_TOO_MANY_PARAMETERS', { limit: maxParameters });
  }

  /** The parameters the request carries (query, form body, multipart form fields), counted the way maxParameterCount counts them. */
  parameterCount(): number {
    return countParameters(this.#request.getQueryString()) + countParameters(this.#formBody) + this.#formFieldParts().length;
  }

  isBodyConsumed(): boolean {
    if (this.#formBody !== null || this.#parts !== null) return true;
    const request = this.#request;
    if (request.getHeader('transfer-encoding') === null && request.getContentLength() <= 0) return true;
    return request.exchange.body.readableEnded || (this.#inputStream?.isFinished() ?? false);
  }

  getInputStream(): ServletInputStream {
    if (this.#reader !== null) {
      throw new ContainerError('SV_ERR_REQUEST_READER_AND_STREAM', { called: 'getInputStream', other: 'getReader' });
    }
    this.#inputStream ??= new RequestInputStream(this.#bodySource());
    return this.#inputStream;
  }

  getReader(): BufferedReader {
    if (this.#reader !== null) return this.#reader;
    if (this.#inputStream !== null) {
      throw new ContainerError('SV_ERR_REQUEST_READER_AND_STREAM', { called: 'getReader', other: 'getInputStream' });
    }
    const encoding = this.getCharacterEncoding() ?? DEFAULT_CHARSET;
    const charset = lookupCharset(encoding);
    if (charset === null) throw new ContainerError('SV_ERR_REQUEST_UNSUPPORTED_ENCODING', { encoding });
    this.#reader = new RequestReader(new RequestInputStream(this.#bodySource()), charset);
    return this.#reader;
  }

  /** Once the parameters took the form body it is gone for streams (and vice versa), as in Tomcat. */
  #bodySource(): Readable | Uint8Array {
    if (this.#formBody === null) return this.#restoredBody ?? this.#request.exchange.body;
    if (this.#parameters !== null) return new Uint8Array(0);
    this.#formBodyTakenByStream = true;
    return this.#formBody;
  }

  /** Parsed once, on first use, so a filter's setCharacterEncoding() still applies: query first, then body. */
  parameters(): Parameters {
    // The first parse's failure, thrown again as it came to every later caller.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (this.#parameterError !== null) throw this.#parameterError;
    if (this.#parameters !== null) return this.#parameters;
    const parameters = new Parameters(this.#connector.maxParameterCount);
    try {
      const bodyCharset = this.#bodyCharset();
      const query = this.#request.getQueryString();
      if (query !== null) {
        // Tomcat decodes the query with URIEncoding (useBodyEncodingForURI, which would take the body's, is not implemented).
        const uriCharset = lookupCharset(this.#connector.URIEncoding) ?? lookupCharset(DEFAULT_CHARSET)!;
        parameters.addEncoded(query, uriCharset);
      }
      if (this.#formBody !== null && !this.#formBodyTakenByStream) parameters.addEncoded(this.#formBody, bodyCharset);
      // Servlet spec §3.2: the form fields of a multipart body are parameters too (after the query's).
      for (const part of this.#formFieldParts()) parameters.add(part.getName(), bodyCharset.decode(part.bytesIfInMemory()!));
    } catch (error) {
      this.#parameterError = error;
      throw error;
    }
    this.#parameters = parameters;
    return parameters;
  }

  /** Why parsing skipped a chunk, once the parameters were parsed; null before or when nothing was skipped. */
  parameterFailure(): ParameterParseFailure | null {
    return this.#parameters?.failure ?? null;
  }

  #bodyCharset(): Charset {
    return lookupCharset(this.getCharacterEncoding() ?? DEFAULT_CHARSET) ?? lookupCharset(DEFAULT_CHARSET)!;
  }

  // --- multipart (Servlet spec §3.2) ---

  /** The mapped servlet's multipart config, the casual one when the Context allows it, else null. */
  #multipartConfig(): MultipartConfigDefinition | null {
    const mapping = this.#request.mappingData;
    const wrapper = mapping.wrapper;
    if (wrapper?.multipartConfig) return wrapper.multipartConfig;
    const context = mapping.context;
    return context?.config.allowCasualMultipartParsing === true ? CASUAL_MULTIPART : null;
  }

  #isMultipart(): boolean {
    const contentType = this.#request.getContentType();
    return contentType !== null && parseContentType(contentType).mediaType === MULTIPART_CONTENT_TYPE;
  }

  /** Reads a multipart body into parts when the servlet may see them; limits breached → coded 400/413. */
  async #readMultipart(): Promise<void> {
    if (this.#parts !== null || !this.#isMultipart()) return;
    const config = this.#multipartConfig();
    if (config === null) return;
    const request = this.#request;
    const mapping = request.mappingData;
    const context = mapping.context;
    const host = mapping.host;
    this.#parts = await readMultipart(request.exchange.body, request.getContentType()!, request.getContentLength(), {
      maxPartCount: this.#connector.maxPartCount,
      maxPartHeaderSize: this.#connector.maxPartHeaderSize,
      maxPostSize: this.#connector.maxPostSize,
      maxFileSize: config.maxFileSize,
      maxRequestSize: config.maxRequestSize,
      fileSizeThreshold: config.fileSizeThreshold,
      location: uploadFolder(host?.name ?? '', context?.name ?? '', config.location),
      servletName: mapping.wrapper?.name ?? '',
    });
  }

  /** Parts without a file name: the form fields that getParameter() sees. */
  #formFieldParts(): ContainerPart[] {
    return this.#parts === null
      ? []
      : this.#parts.filter((part) => part.getSubmittedFileName() === null && part.bytesIfInMemory() !== null);
  }

  getParts(): Part[] {
    if (this.#parts !== null) {
      this.#partFacades ??= this.#parts.map((part) => new PartFacade(part));
      return [...this.#partFacades];
    }
    if (this.#multipartConfig() === null) {
      const servlet = this.#request.mappingData.wrapper?.name ?? '';
      throw new ContainerError('SV_ERR_REQUEST_NO_MULTIPART_CONFIG', { method: 'getParts', servlet });
    }
    throw new ContainerError('SV_ERR_REQUEST_NOT_MULTIPART', { method: 'getParts', contentType: this.#request.getContentType() ?? '' });
  }

  getPart(name: string): Part | null {
    return this.getParts().find((part) => part.getName() === name) ?? null;
  }

  /** End of the request: removes the temporary files of parts the application did not move with write(); undefined when there are none. */
  releaseParts(): Promise<void> | undefined {
    if (this.#parts === null) return undefined;
    const files = this.#parts.map((part) => part.temporaryFile).filter((file): file is string => file !== null);
    return files.length > 0 ? removeFiles(files) : undefined;
  }
}

/** Parameters a `name=value&…` string will yield (chunks with a name), counted without decoding anything. */
function countParameters(input: string | Uint8Array | null): number {
  if (input === null) return 0;
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  let count = 0;
  for (const chunk of text.split('&')) if (chunk !== '' && !chunk.startsWith('=')) count++;
  return count;
}
