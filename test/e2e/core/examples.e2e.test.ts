/** The shipped examples webapp through the whole container: connector → pipelines → filters → servlets. */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** Sends raw bytes and resolves with everything received until the server closes or `until` matches. */
function raw(port: number, bytes: string, until?: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const done = (): void => {
      socket.destroy();
      resolve(received);
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (until?.(received)) done();
    });
    socket.on('end', done);
    socket.on('error', reject);
    socket.setTimeout(5000, done);
    socket.write(bytes);
  });
}

describe('examples webapp', () => {
  it('GET /examples/hello answers exactly Hello, World! as text/plain', async () => {
    const response = await fetch(`${server.url}/examples/hello`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.headers.get('content-length')).toBe('13');
    expect(response.headers.get('x-examples-filter')).toBe('on');
    expect(await response.text()).toBe('Hello, World!');
  });

  it('GET /examples/request-info/a/b?x=1&x=2 describes the request as JSON', async () => {
    const response = await fetch(`${server.url}/examples/request-info/a/b?x=1&x=2`, { headers: { 'X-Test': 'yes' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const info = (await response.json()) as Record<string, unknown>;
    expect(info).toMatchObject({
      method: 'GET',
      requestURI: '/examples/request-info/a/b',
      contextPath: '/examples',
      servletPath: '/request-info',
      pathInfo: '/a/b',
      queryString: 'x=1&x=2',
      parameters: { x: ['1', '2'] },
      remoteAddr: '127.0.0.1',
      scheme: 'http',
      secure: false,
      serverName: '127.0.0.1',
      serverPort: server.port,
    });
    expect((info.headers as Record<string, string[]>)['x-test']).toEqual(['yes']);
  });

  it('GET /examples/session counts per session with an HttpOnly JSESSIONID cookie scoped to /examples', async () => {
    const first = await fetch(`${server.url}/examples/session`);
    expect(await first.json()).toEqual({ count: 1 });
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^JSESSIONID=[0-9A-F]{32}; Path=\/examples; HttpOnly$/);
    const id = cookie.split(';')[0]!;
    const second = await fetch(`${server.url}/examples/session`, { headers: { Cookie: id } });
    expect(await second.json()).toEqual({ count: 2 });
    expect(second.headers.get('set-cookie')).toBeNull();
    const stranger = await fetch(`${server.url}/examples/session`, { headers: { Cookie: 'JSESSIONID=0123456789ABCDEF0123456789ABCDEF' } });
    expect(await stranger.json()).toEqual({ count: 1 });
    // An unknown client id is never adopted: a fresh one is issued.
    expect(stranger.headers.get('set-cookie')).not.toContain('0123456789ABCDEF0123456789ABCDEF');
  });

  it('POST /examples/form returns the urlencoded parameters', async () => {
    const response = await fetch(`${server.url}/examples/form?q=1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'name=Serval&tags=a&tags=b+c&e=%E2%82%AC',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ q: ['1'], name: ['Serval'], tags: ['a', 'b c'], e: ['€'] });
  });

  it('/examples/forward hands the request to another servlet with the forwarded paths', async () => {
    const response = await fetch(`${server.url}/examples/forward?orig=1`);
    expect(response.status).toBe(200);
    const info = (await response.json()) as Record<string, unknown>;
    expect(info).toMatchObject({
      requestURI: '/examples/request-info/forwarded',
      servletPath: '/request-info',
      pathInfo: '/forwarded',
      queryString: 'via=forward',
      parameters: { via: ['forward'], orig: ['1'] },
    });
  });

  it('/examples/include writes the included servlet output inside its own', async () => {
    const response = await fetch(`${server.url}/examples/include`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('before include\nHello, World!\nafter include\n');
  });

  it('/examples/fail is answered by the error page declared in web.xml, with the error attributes', async () => {
    const response = await fetch(`${server.url}/examples/fail`);
    expect(response.status).toBe(500);
    expect(response.headers.get('x-examples-filter')).toBe('on');
    expect(await response.json()).toEqual({
      errorPage: true,
      status: 500,
      message: 'This servlet always fails, to show error pages',
      requestUri: '/examples/fail',
      servletName: 'fail',
      exception: 'ExampleFailure: This servlet always fails, to show error pages',
    });
    const logged = server.logs.filter((r) => r.code === 'SV_ERR_SERVLET_EXCEPTION');
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged[0]!.err?.stack).toContain('ExampleFailure');
  });

  it('a servlet that throws leaves the keep-alive connection usable', async () => {
    const text = await raw(
      server.port,
      'GET /examples/fail HTTP/1.1\r\nHost: localhost\r\n\r\nGET /examples/hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
    expect(statuses).toEqual(['500', '200']);
    expect(text.endsWith('Hello, World!')).toBe(true);
  });

  it('an unmapped path inside examples gets the 404 error page', async () => {
    const response = await fetch(`${server.url}/examples/nothing-here`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ errorPage: true, status: 404, requestUri: '/examples/nothing-here' });
  });

  it('the context root redirects to /examples/ and serves index.html as the welcome file', async () => {
    const redirect = await fetch(`${server.url}/examples?x=1`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/examples/?x=1');
    const index = await fetch(`${server.url}/examples/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('last-modified')).toBeTruthy();
    expect(await index.text()).toContain('Serval examples');
  });

  it.each([
    '/examples/WEB-INF/web.xml',
    '/examples/%57EB-INF/web.xml',
    '/examples/web-inf/web.xml',
    '/examples/META-INF/x',
    '/examples/./WEB-INF/web.xml',
  ])('never serves %s', async (path) => {
    const text = await raw(server.port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 404/);
    expect(text).not.toContain('<web-app');
  });

  it.each(['/examples/a%2Fb', '/examples/a%5Cb', '/../examples/hello', '/examples/%00', '/examples/%E2%82'])(
    'rejects %s with 400',
    async (path) => {
      const text = await raw(server.port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      expect(text).toMatch(/^HTTP\/1\.1 400/);
    },
  );

  it('strips path parameters before mapping', async () => {
    const response = await fetch(`${server.url}/examples/hello;foo=bar`);
    expect(await response.text()).toBe('Hello, World!');
  });
});

describe('ROOT webapp', () => {
  it('GET / is the welcome page listing the deployed webapps', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('is running');
    expect(html).toContain('<a href="/examples/">/examples</a></td><td>Serval examples</td><td>STARTED</td>');
    expect(html).toContain('docs/configuration.md');
  });
});
