// The Servlet API's wrapper and filter base classes (Servlet spec §6.2.2, §6.2): pure delegation, checked
// against plain objects implementing the API (the e2e facade test runs them over the container's facades).
import { describe, expect, it } from 'vitest';
import type { FilterChain, FilterConfig } from '../../../src/servlet/filter.js';
import { GenericFilter, HttpFilter } from '../../../src/servlet/generic-filter.js';
import type { HttpServletRequest, ServletRequest } from '../../../src/servlet/http-servlet-request.js';
import type { HttpServletResponse, ServletResponse } from '../../../src/servlet/http-servlet-response.js';
import type { ServletContext } from '../../../src/servlet/servlet-context.js';
import { ServletException } from '../../../src/servlet/servlet-exception.js';
import { HttpServletRequestWrapper, ServletRequestWrapper } from '../../../src/servlet/servlet-request-wrapper.js';
import { HttpServletResponseWrapper, ServletResponseWrapper } from '../../../src/servlet/servlet-response-wrapper.js';

function httpRequest(overrides: Partial<HttpServletRequest> = {}): HttpServletRequest {
  return { getMethod: () => 'GET', getHeader: (name: string) => `value of ${name}`, ...overrides } as HttpServletRequest;
}

function httpResponse(log: string[]): HttpServletResponse {
  return {
    sendError: (status: number, message?: string) => log.push(`sendError ${status} ${String(message)}`),
    setHeader: (name: string, value: string | null) => log.push(`setHeader ${name}=${String(value)}`),
  } as unknown as HttpServletResponse;
}

class Marker extends HttpServletRequestWrapper {}

describe('ServletRequestWrapper / HttpServletRequestWrapper', () => {
  it('delegates every call it does not override to the wrapped request', () => {
    const wrapped = new HttpServletRequestWrapper(httpRequest());
    expect(wrapped.getMethod()).toBe('GET');
    expect(wrapped.getHeader('host')).toBe('value of host');
  });

  it('an override changes only what it overrides, and the wrapped request can be swapped', () => {
    class Upper extends HttpServletRequestWrapper {
      override getHeader(name: string): string | null {
        return super.getHeader(name)?.toUpperCase() ?? null;
      }
    }
    const upper = new Upper(httpRequest());
    expect(upper.getHeader('a')).toBe('VALUE OF A');
    upper.setRequest(httpRequest({ getHeader: () => 'other' }));
    expect(upper.getHeader('a')).toBe('OTHER');
    expect(upper.getMethod()).toBe('GET');
  });

  it('isWrapperFor finds the request or its class at any depth', () => {
    const original = httpRequest();
    const inner = new Marker(original);
    const outer = new HttpServletRequestWrapper(inner);
    expect(outer.getRequest()).toBe(inner);
    expect(outer.isWrapperFor(original)).toBe(true);
    expect(outer.isWrapperFor(inner)).toBe(true);
    expect(outer.isWrapperFor(Marker)).toBe(true);
    expect(inner.isWrapperFor(Marker)).toBe(false);
    expect(outer.isWrapperFor(httpRequest())).toBe(false);
  });

  it('refuses to wrap nothing', () => {
    expect(() => new ServletRequestWrapper(null as unknown as ServletRequest)).toThrow(TypeError);
    expect(() => new ServletResponseWrapper(undefined as unknown as ServletResponse)).toThrow(TypeError);
  });
});

describe('HttpServletResponseWrapper', () => {
  it('delegates, passing optional arguments through unchanged', () => {
    const log: string[] = [];
    const response = new HttpServletResponseWrapper(httpResponse(log));
    response.sendError(404);
    response.setHeader('X-A', 'b');
    expect(log).toEqual(['sendError 404 undefined', 'setHeader X-A=b']);
    expect(response.isWrapperFor(ServletResponseWrapper)).toBe(false);
  });
});

describe('GenericFilter / HttpFilter', () => {
  const config: FilterConfig = {
    getFilterName: () => 'f',
    getServletContext: () => ({}) as ServletContext,
    getInitParameter: (name) => (name === 'p' ? 'v' : null),
    getInitParameterNames: () => ['p'],
  };

  it('keeps its FilterConfig and calls initFilter() once it is there', async () => {
    const seen: string[] = [];
    class F extends GenericFilter {
      override initFilter(): void {
        seen.push(`${this.getFilterName()} ${String(this.getInitParameter('p'))}`);
      }
      doFilter(): void {}
    }
    const filter = new F();
    expect(() => filter.getFilterName()).toThrow(ServletException);
    await filter.init(config);
    expect(seen).toEqual(['f v']);
    expect(filter.getFilterConfig()).toBe(config);
    expect(filter.getInitParameterNames()).toEqual(['p']);
  });

  it('HttpFilter passes HTTP requests to doFilterHttp, which by default continues the chain', async () => {
    const passed: unknown[] = [];
    const chain: FilterChain = {
      doFilter: (request, response) => {
        passed.push(request, response);
        return Promise.resolve();
      },
    };
    class Plain extends HttpFilter {}
    const request = httpRequest();
    const response = httpResponse([]);
    await new Plain().doFilter(request, response, chain);
    expect(passed).toEqual([request, response]);
  });

  it('HttpFilter refuses a request that is not HTTP', () => {
    class Plain extends HttpFilter {}
    const chain: FilterChain = { doFilter: () => Promise.resolve() };
    expect(() => new Plain().doFilter({} as ServletRequest, httpResponse([]), chain)).toThrow(ServletException);
  });
});
