import { describe, expect, it } from 'vitest';
import { ContainerRequest } from '../../../src/connector/container-request.js';
import { ContainerResponse } from '../../../src/connector/container-response.js';
import { emptyMappingData } from '../../../src/mapper/mapping-data.js';
import { HttpServlet } from '../../../src/servlet/http-servlet.js';
import type { HttpServletRequest } from '../../../src/servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../../../src/servlet/http-servlet-response.js';
import { BufferExchange, testConnectorConfig, type BufferExchangeOptions } from '../../helpers/buffer-exchange.js';

const MODIFIED = Date.UTC(2024, 0, 2, 3, 4, 5);

function setup(options: BufferExchangeOptions = {}) {
  const exchange = new BufferExchange(options);
  const response = new ContainerResponse(exchange, {});
  const request = new ContainerRequest(exchange, testConnectorConfig(), response);
  response.attach(request);
  request.setMapping({ ...emptyMappingData(), contextPath: '', servletPath: '/s' }, null, '/s', null);
  return { request, response };
}

class Recording extends HttpServlet {
  readonly calls: string[] = [];
  protected override doGet(_request: HttpServletRequest, response: HttpServletResponse): void {
    this.calls.push('doGet');
    response.getWriter().write('body');
  }
}

describe('HttpServlet: dispatch without needless promises', () => {
  it('runs doGet synchronously and returns nothing when getLastModified is the default', () => {
    const servlet = new Recording();
    const { request, response } = setup();
    expect(servlet.service(request, response)).toBeUndefined();
    expect(servlet.calls).toEqual(['doGet']);
    expect(response.containsHeader('Last-Modified')).toBe(false);
  });

  it('hands back the promise of an asynchronous doGet', async () => {
    let finish!: () => void;
    class Slow extends HttpServlet {
      protected override doGet(): Promise<void> {
        return new Promise((resolve) => (finish = resolve));
      }
    }
    const { request, response } = setup();
    const result = new Slow().service(request, response);
    expect(result).toBeInstanceOf(Promise);
    finish();
    await expect(result).resolves.toBeUndefined();
  });

  it('answers a conditional GET with 304 synchronously when getLastModified is synchronous', () => {
    class Dated extends Recording {
      protected override getLastModified(): number {
        return MODIFIED;
      }
    }
    const fresh = new Dated();
    const notModified = setup({ headers: [['If-Modified-Since', new Date(MODIFIED).toUTCString()]] });
    expect(fresh.service(notModified.request, notModified.response)).toBeUndefined();
    expect(notModified.response.getStatus()).toBe(304);
    expect(fresh.calls).toEqual([]);

    const stale = setup({ headers: [['If-Modified-Since', new Date(MODIFIED - 60_000).toUTCString()]] });
    expect(fresh.service(stale.request, stale.response)).toBeUndefined();
    expect(stale.response.getStatus()).toBe(200);
    expect(stale.response.getHeader('Last-Modified')).toBe(new Date(MODIFIED).toUTCString());
    expect(fresh.calls).toEqual(['doGet']);
  });

  it('waits for an asynchronous getLastModified before deciding, for GET and HEAD', async () => {
    class AsyncDated extends Recording {
      protected override async getLastModified(): Promise<number> {
        return MODIFIED;
      }
    }
    const servlet = new AsyncDated();
    const head = setup({ method: 'HEAD', headers: [['If-Modified-Since', new Date(MODIFIED + 1000).toUTCString()]] });
    const result = servlet.service(head.request, head.response);
    expect(result).toBeInstanceOf(Promise);
    expect(head.response.getStatus()).toBe(200);
    await result;
    expect(head.response.getStatus()).toBe(304);
    expect(servlet.calls).toEqual([]);

    const get = setup();
    await servlet.service(get.request, get.response);
    expect(servlet.calls).toEqual(['doGet']);
    expect(get.response.getHeader('Last-Modified')).toBe(new Date(MODIFIED).toUTCString());
  });

  it('calls an overridden serviceHttp, whose super call still dispatches', async () => {
    class Wrapped extends Recording {
      protected override async serviceHttp(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
        this.calls.push('serviceHttp');
        await super.serviceHttp(request, response);
        this.calls.push('after');
      }
    }
    const servlet = new Wrapped();
    const { request, response } = setup();
    await servlet.service(request, response);
    expect(servlet.calls).toEqual(['serviceHttp', 'doGet', 'after']);
  });

  it('still answers unknown methods with 501 and unsupported ones with 405', () => {
    const servlet = new Recording();
    const patch = setup({ method: 'PATCH' });
    expect(servlet.service(patch.request, patch.response)).toBeUndefined();
    expect(patch.response.getStatus()).toBe(501);
    const post = setup({ method: 'POST' });
    void servlet.service(post.request, post.response);
    expect(post.response.getStatus()).toBe(405);
  });
});

describe('HttpServlet.doTrace', () => {
  it('echoes the request head without Authorization and Cookie, in any case of the name (credentials never reflected)', async () => {
    class Tracing extends HttpServlet {}
    const exchange = new BufferExchange({
      method: 'TRACE',
      target: '/s',
      headers: [
        ['Host', 'localhost'],
        ['X-Trace', 'kept'],
        ['Authorization', 'Basic c2VjcmV0OnNlY3JldA=='],
        ['cookie', 'JSESSIONID=0123456789abcdef'],
        ['AUTHORIZATION', 'Bearer token-value'],
      ],
    });
    const response = new ContainerResponse(exchange, {});
    const request = new ContainerRequest(exchange, testConnectorConfig(), response);
    response.attach(request);
    request.setMapping({ ...emptyMappingData(), contextPath: '', servletPath: '/s' }, null, '/s', null);
    await new Tracing().service(request, response);
    await response.finish();
    const echoed = exchange.output.toString('latin1');
    expect(response.getContentType()).toMatch(/^message\/http/);
    expect(echoed).toMatch(/^TRACE \/s HTTP\/1\.1\r\n/);
    expect(echoed.toLowerCase()).toContain('x-trace: kept');
    expect(echoed).not.toMatch(/c2VjcmV0|token-value|JSESSIONID/);
    expect(echoed.toLowerCase()).not.toMatch(/authorization|cookie/);
  });
});
