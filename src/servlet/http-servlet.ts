/** HttpServlet: dispatches on the HTTP method to doGet/doPost/… (Servlet spec §2.1.1). */
import type { HttpServletRequest, ServletRequest } from './http-servlet-request.js';
import type { HttpServletResponse, ServletResponse } from './http-servlet-response.js';
import { GenericServlet } from './servlet.js';
import { ServletException } from './servlet-exception.js';

type Handler = (request: HttpServletRequest, response: HttpServletResponse) => void | Promise<void>;

export abstract class HttpServlet extends GenericServlet {
  override service(request: ServletRequest, response: ServletResponse): void | Promise<void> {
    if (!isHttpRequest(request) || !isHttpResponse(response)) {
      throw new ServletException('HttpServlet only handles HTTP requests');
    }
    // A subclass that overrides serviceHttp gets it called; otherwise the dispatch runs without the promise
    // (and microtask) an async method costs on every request, and stays synchronous when the handler is.
    if (this.serviceHttp !== HttpServlet.prototype.serviceHttp) return this.serviceHttp(request, response);
    return this.#dispatch(request, response);
  }

  /** Java's protected service(HttpServletRequest, HttpServletResponse). */
  protected async serviceHttp(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
    return this.#dispatch(request, response);
  }

  /** Dispatch on the method; a promise only when getLastModified or the handler returns one. */
  #dispatch(request: HttpServletRequest, response: HttpServletResponse): void | Promise<void> {
    const method = request.getMethod();
    switch (method) {
      case 'GET':
        return this.#conditional(request, response, false);
      case 'HEAD':
        return this.#conditional(request, response, true);
      case 'POST':
        return this.doPost(request, response);
      case 'PUT':
        return this.doPut(request, response);
      case 'DELETE':
        return this.doDelete(request, response);
      case 'OPTIONS':
        return this.doOptions(request, response);
      case 'TRACE':
        return this.doTrace(request, response);
      default:
        response.sendError(501, `Method [${method}] is not implemented by this servlet for this URI`);
    }
  }

  /** doGet/doHead unless a conditional request is answered 304; getLastModified is awaited only when async. */
  #conditional(request: HttpServletRequest, response: HttpServletResponse, head: boolean): void | Promise<void> {
    const lastModified = this.getLastModified(request);
    if (typeof lastModified !== 'number') {
      return Promise.resolve(lastModified).then((value) => this.#unlessNotModified(value, request, response, head));
    }
    return this.#unlessNotModified(lastModified, request, response, head);
  }

  #unlessNotModified(
    lastModified: number,
    request: HttpServletRequest,
    response: HttpServletResponse,
    head: boolean,
  ): void | Promise<void> {
    if (this.#notModified(lastModified, request, response)) return;
    return head ? this.doHead(request, response) : this.doGet(request, response);
  }

  /**
   * Last modification time of the resource in epoch ms, or -1 when unknown. Overriding it enables
   * conditional GET: If-Modified-Since is then answered with 304 when nothing changed.
   */
  protected getLastModified(_request: HttpServletRequest): number | Promise<number> {
    return -1;
  }

  protected doGet(request: HttpServletRequest, response: HttpServletResponse): void | Promise<void> {
    this.#methodNotSupported(request, response);
  }

  /** Runs doGet; the container discards the body but keeps its length for Content-Length. */
  protected doHead(request: HttpServletRequest, response: HttpServletResponse): void | Promise<void> {
    return this.doGet(request, response);
  }

  protected doPost(request: HttpServletRequest, response: HttpServletResponse): void | Promise<void> {
    this.#methodNotSupported(request, response);
  }

  protected doPut(request: HttpServletRequest, response: HttpServletResponse): void | Promise<void> {
    this.#methodNotSupported(request, response);
  }

  protected doDelete(request: HttpServletRequest, response: HttpServletResponse): void | Promise<void> {
    this.#methodNotSupported(request, response);
  }

  protected doOptions(_request: HttpServletRequest, response: HttpServletResponse): void | Promise<void> {
    response.setHeader('Allow', this.allowedMethods().join(', '));
  }

  /** Echoes the request head as message/http (RFC 9110 §9.3.8); only reached when the connector allows TRACE. */
  protected doTrace(request: HttpServletRequest, response: HttpServletResponse): void | Promise<void> {
    let echo = `TRACE ${request.getRequestURI()} ${request.getProtocol()}\r\n`;
    for (const name of request.getHeaderNames()) {
      if (name.toLowerCase() === 'authorization' || name.toLowerCase() === 'cookie') continue;
      for (const value of request.getHeaders(name)) echo += `${name}: ${value}\r\n`;
    }
    response.setContentType('message/http');
    response.getOutputStream().write(echo);
  }

  /** The methods this servlet answers, derived from which do* methods the subclass overrides. */
  protected allowedMethods(): string[] {
    const proto = HttpServlet.prototype as unknown as Record<string, Handler>;
    const self = this as unknown as Record<string, Handler>;
    const overridden = (name: string): boolean => self[name] !== proto[name];
    const allowed: string[] = [];
    if (overridden('doGet')) allowed.push('GET', 'HEAD');
    if (overridden('doPost')) allowed.push('POST');
    if (overridden('doPut')) allowed.push('PUT');
    if (overridden('doDelete')) allowed.push('DELETE');
    allowed.push('OPTIONS');
    return allowed;
  }

  #methodNotSupported(request: HttpServletRequest, response: HttpServletResponse): void {
    const message = `HTTP method ${request.getMethod()} is not supported by this URL`;
    // Servlet spec: 405 for HTTP/1.1, 400 for older protocols.
    response.sendError(request.getProtocol().endsWith('1.1') ? 405 : 400, message);
  }

  #notModified(lastModified: number, request: HttpServletRequest, response: HttpServletResponse): boolean {
    if (lastModified < 0) return false;
    let since = -1;
    try {
      since = request.getDateHeader('If-Modified-Since');
    } catch {
      since = -1; // an invalid date is ignored (RFC 9110 §13.1.3)
    }
    // HTTP dates have one-second resolution.
    if (since >= 0 && Math.floor(lastModified / 1000) * 1000 <= since) {
      response.setStatus(304);
      return true;
    }
    if (!response.containsHeader('Last-Modified')) response.setDateHeader('Last-Modified', lastModified);
    return false;
  }
}

/** HTTP requests are told apart by shape: wrappers and facades are different classes with the same methods. */
export function isHttpRequest(request: ServletRequest): request is HttpServletRequest {
  return typeof (request as Partial<HttpServletRequest>).getMethod === 'function';
}

export function isHttpResponse(response: ServletResponse): response is HttpServletResponse {
  return typeof (response as Partial<HttpServletResponse>).sendError === 'function';
}
