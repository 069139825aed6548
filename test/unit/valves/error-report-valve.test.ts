import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Request } from '../../../src/core/request.js';
import type { Response } from '../../../src/core/response.js';
import { NOTE_ERROR_PAGE_DONE, NOTE_EXCEPTION } from '../../../src/core/request-notes.js';
import type { ContainerValve } from '../../../src/core/valve.js';
import { ConfigError } from '../../../src/errors/container-error.js';
import { prefersJson, renderErrorJson, renderErrorPage } from '../../../src/core/error-report.js';
import { ErrorReportValve, errorPageTargets, findErrorPageTarget, renderTomcatJsonReport } from '../../../src/valves/error-report-valve.js';
import { parseProperties, ProxyErrorReportValve } from '../../../src/valves/proxy-error-report-valve.js';
import { SERVER_INFO } from '../../../src/version/version.js';

const ALL = { showReport: true, showServerInfo: true, serverInfo: 'Serval/9.9.9' };

describe('renderErrorPage', () => {
  it('titles the page with status and reason and escapes the message', () => {
    const html = renderErrorPage(404, '<script>alert("x")</script>', null, ALL) ?? '';
    expect(html).toContain('<title>HTTP Status 404 – Not Found</title>');
    expect(html).toContain('<h1>HTTP Status 404 – Not Found</h1>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(html).toContain('<b>Type</b> Status Report');
    expect(html).toContain('The origin server did not find a current representation');
    expect(html).toContain('<h3>Serval/9.9.9</h3>');
  });

  it('shows the exception and its causes only with showReport', () => {
    const cause = new Error('disk <full>');
    const error = new Error('first line\nsecret second line', { cause });
    const shown = renderErrorPage(500, null, error, ALL) ?? '';
    expect(shown).toContain('<b>Type</b> Exception Report');
    expect(shown).toContain('<b>Message</b> first line</p>');
    expect(shown).toContain('<b>Exception</b>');
    expect(shown).toContain('at '); // a stack frame
    expect(shown).toContain('<b>Root Cause</b>');
    expect(shown).toContain('disk &#60;full&#62;');

    const hidden = renderErrorPage(500, 'internal detail', error, { ...ALL, showReport: false }) ?? '';
    expect(hidden).toContain('HTTP Status 500 – Internal Server Error');
    expect(hidden).not.toContain('first line');
    expect(hidden).not.toContain('internal detail');
    expect(hidden).not.toContain('disk');
    expect(hidden).not.toContain('<pre>');
  });

  it('shows the server info only with showServerInfo', () => {
    expect(renderErrorPage(404, null, null, { ...ALL, showServerInfo: false })).not.toContain('Serval/');
    expect(renderErrorPage(404, null, null, { showReport: true, showServerInfo: true })).toContain(SERVER_INFO);
    expect(SERVER_INFO).toMatch(/^Serval\/\d+\.\d+\.\d+/);
  });

  it('survives cyclic cause chains and non-Error throwables', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const html = renderErrorPage(500, null, a, ALL) ?? '';
    expect(html.match(/Root Cause/g)).toHaveLength(1);
    expect(renderErrorPage(500, null, 'plain <string>', ALL)).toContain('plain &#60;string&#62;');
  });

  it('renders nothing for an unknown status without a message', () => {
    expect(renderErrorPage(499, null, null, ALL)).toBeNull();
    expect(renderErrorPage(499, 'custom', null, ALL)).toContain('HTTP Status 499 – Unknown Reason');
  });
});

class FakeResponse {
  status = 200;
  committed = false;
  error = false;
  errorReported = false;
  suspended = false;
  message: string | null = null;
  bytes = 0;
  headers = new Map<string, string>();
  contentType: string | null = null;
  body = '';
  usedWriter = false;
  usedStream = false;
  isCommitted(): boolean {
    return this.committed;
  }
  getStatus(): number {
    return this.status;
  }
  setStatus(status: number): void {
    this.status = status;
  }
  isError(): boolean {
    return this.error;
  }
  isErrorReported(): boolean {
    return this.errorReported;
  }
  setErrorReported(): void {
    this.error = false;
    this.errorReported = true;
  }
  setSuspended(suspended: boolean): void {
    this.suspended = suspended;
  }
  getErrorMessage(): string | null {
    return this.message;
  }
  getBytesWritten(): number {
    return this.bytes;
  }
  sendError(status: number, message?: string): void {
    if (this.committed) throw new Error('committed');
    this.status = status;
    this.message = message ?? null;
    this.error = true;
    this.suspended = true;
    this.body = '';
  }
  reset(): void {
    if (this.committed) throw new Error('committed');
    this.status = 200;
    this.headers.clear();
    this.body = '';
  }
  setContentType(type: string): void {
    this.contentType = type;
  }
  setHeader(name: string, value: string): void {
    this.headers.set(name, value);
  }
  addHeader(name: string, value: string): void {
    const old = this.headers.get(name);
    this.headers.set(name, old === undefined ? value : `${old}, ${value}`);
  }
  getOutputStream(): { write(data: Uint8Array): void } {
    if (this.usedWriter) throw new Error('writer already used');
    this.usedStream = true;
    return {
      write: (data) => {
        if (!this.suspended) this.body += Buffer.from(data).toString('utf8');
      },
    };
  }
  getWriter(): { write(text: string): void } {
    if (this.usedStream) throw new Error('stream already used');
    this.usedWriter = true;
    return {
      write: (text) => {
        if (!this.suspended) this.body += text;
      },
    };
  }
}

function fakeRequest(notes: Record<string, unknown> = {}, accept: string | null = null): Request {
  const noteMap = new Map(Object.entries(notes));
  return {
    getHeader: (name: string) => (name.toLowerCase() === 'accept' ? accept : null),
    getNote: (name: string) => noteMap.get(name),
    setNote: (name: string, value: unknown) => noteMap.set(name, value),
    getAttribute: () => null,
  } as unknown as Request;
}

function next(work: (response: FakeResponse) => void): ContainerValve {
  return {
    next: null,
    invoke: async (_request, response) => work(response as unknown as FakeResponse),
    backgroundProcess: () => {},
  };
}

async function run(
  valve: ErrorReportValve,
  work: (response: FakeResponse) => void,
  request: Request = fakeRequest(),
): Promise<FakeResponse> {
  const response = new FakeResponse();
  valve.next = next(work);
  await valve.invoke(request, response as unknown as Response);
  return response;
}

describe('ErrorReportValve', () => {
  it('renders the page for sendError with the HTML content type and language', async () => {
    const response = await run(new ErrorReportValve({}, { serverInfo: 'Serval/1.2.3' }), (r) => r.sendError(404, '/missing<b>'));
    expect(response.status).toBe(404);
    expect(response.contentType).toBe('text/html;charset=utf-8');
    expect(response.headers.get('Content-Language')).toBe('en');
    expect(response.body).toContain('HTTP Status 404 – Not Found');
    expect(response.body).toContain('/missing&#60;b&#62;');
    expect(response.body).toContain('Serval/1.2.3');
    expect(response.errorReported).toBe(true);
  });

  it('turns a recorded exception into a 500 page that hides it when showReport=false', async () => {
    const error = new Error('password=hunter2');
    const request = fakeRequest({ [NOTE_EXCEPTION]: error });
    const valve = new ErrorReportValve({ showReport: 'false', showServerInfo: false });
    const response = await run(
      valve,
      (r) => {
        r.status = 200;
        r.headers.set('X-Partial', 'yes');
      },
      request,
    );
    expect(response.status).toBe(500);
    expect(response.headers.has('X-Partial')).toBe(false);
    expect(response.body).toContain('HTTP Status 500 – Internal Server Error');
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('Serval/');
  });

  it('shows the recorded exception with showReport', async () => {
    const request = fakeRequest({ [NOTE_EXCEPTION]: new Error('visible <detail>') });
    const response = await run(new ErrorReportValve(), () => {}, request);
    expect(response.body).toContain('visible &#60;detail&#62;');
    expect(response.body).toContain('<b>Exception</b>');
  });

  it('leaves committed responses, reported errors and plain statuses alone', async () => {
    const valve = new ErrorReportValve();
    const committed = await run(valve, (r) => {
      r.sendError(500);
      r.committed = true;
    });
    expect(committed.body).toBe('');
    const plain = await run(valve, (r) => r.setStatus(404));
    expect(plain.body).toBe('');
    const ok = await run(valve, () => {});
    expect(ok.body).toBe('');
    const done = await run(valve, (r) => r.sendError(404), fakeRequest({ [NOTE_ERROR_PAGE_DONE]: true }));
    expect(done.body).toBe('');
  });

  it('falls back to the Writer when the application already took it', async () => {
    const response = await run(new ErrorReportValve(), (r) => {
      r.getWriter();
      r.sendError(403);
    });
    expect(response.body).toContain('HTTP Status 403 – Forbidden');
  });

  it('never throws its own failures, and renders a failure of next before commit', async () => {
    const errors: string[] = [];
    const valve = new ErrorReportValve({}, { onError: (m) => errors.push(m) });
    const broken = new FakeResponse();
    broken.setContentType = () => {
      throw new Error('boom');
    };
    valve.next = next((r) => r.sendError(500));
    await expect(valve.invoke(fakeRequest(), broken as unknown as Response)).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);

    valve.next = { next: null, invoke: async () => Promise.reject(new Error('app <failure>')), backgroundProcess: () => {} };
    const response = new FakeResponse();
    await expect(valve.invoke(fakeRequest(), response as unknown as Response)).resolves.toBeUndefined();
    expect(response.status).toBe(500);
    expect(response.body).toContain('app &#60;failure&#62;');
  });

  it('lets a failure after commit reach the adapter, which aborts the connection', async () => {
    const valve = new ErrorReportValve();
    const failure = new Error('mid-stream');
    valve.next = {
      next: null,
      invoke: async (_request, response) => {
        (response as unknown as FakeResponse).committed = true;
        throw failure;
      },
      backgroundProcess: () => {},
    };
    const response = new FakeResponse();
    await expect(valve.invoke(fakeRequest(), response as unknown as Response)).rejects.toBe(failure);
    expect(response.body).toBe('');
  });

  it('rejects a non-boolean showReport', () => {
    expect(() => new ErrorReportValve({ showReport: 'sometimes' })).toThrow(ConfigError);
  });
});

describe('JSON error reports', () => {
  it.each([
    ['application/json', true],
    ['application/json;q=0.9, text/html;q=0.8', true],
    ['application/*', true],
    ['text/html, application/json;q=0.9', false],
    ['*/*', false],
    ['application/json;q=0', false],
    ['text/*;q=0.5, application/json', true],
    ['', false],
    [null, false],
  ])('prefersJson(%j) = %s', (accept, expected) => {
    expect(prefersJson(accept)).toBe(expected);
  });

  it('renders status, reason and, with showReport, message, description and exception', () => {
    const full = JSON.parse(renderErrorJson(500, null, new Error('boom\nsecond'), ALL)) as Record<string, unknown>;
    expect(full).toMatchObject({
      status: 500,
      reason: 'Internal Server Error',
      type: 'Exception Report',
      message: 'boom',
      server: 'Serval/9.9.9',
    });
    expect(String(full.exception)).toContain('Error: boom');
    const terse = JSON.parse(renderErrorJson(404, 'secret', null, { showReport: false, showServerInfo: false })) as Record<string, unknown>;
    expect(terse).toEqual({ status: 404, reason: 'Not Found' });
  });

  it('answers JSON when the client prefers it, HTML otherwise', async () => {
    const json = await run(
      new ErrorReportValve({}, { serverInfo: 'S/1' }),
      (r) => r.sendError(404, 'no "such" file'),
      fakeRequest({}, 'application/json'),
    );
    expect(json.contentType).toBe('application/json;charset=utf-8');
    expect(JSON.parse(json.body)).toMatchObject({ status: 404, message: 'no "such" file' });
    expect(json.headers.get('Vary')).toBe('accept');
    const html = await run(new ErrorReportValve(), (r) => r.sendError(404), fakeRequest({}, 'text/html,application/json;q=0.5'));
    expect(html.contentType).toBe('text/html;charset=utf-8');
  });
});

describe('ProxyErrorReportValve', () => {
  const request = (): Request =>
    ({ ...(fakeRequest() as unknown as Record<string, unknown>), getDecodedRequestURI: () => '/app/x y' }) as unknown as Request;

  async function withService<T>(handler: RequestListener, use: (url: string) => Promise<T>): Promise<T> {
    const service = createServer(handler);
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    try {
      return await use(`http://127.0.0.1:${(service.address() as AddressInfo).port}/errors`);
    } finally {
      service.closeAllConnections();
      await new Promise<void>((resolve) => service.close(() => resolve()));
    }
  }

  it('gives up on a service that does not answer within the timeout and sends the standard report', async () => {
    const warnings: string[] = [];
    const response = await withService(
      () => {
        // Never answers.
      },
      (url) =>
        runProxy(
          new ProxyErrorReportValve({ 'errorCode.0': url }, { fetchTimeoutMs: 150, onWarning: (m) => warnings.push(m.code) }),
          request(),
        ),
    );
    expect(response.status).toBe(404);
    expect(response.body).toContain('HTTP Status 404 – Not Found');
    expect(warnings).toEqual(['SV_ERR_ERROR_REPORT_PROXY_FAILED']);
  });

  it('refuses a body larger than the limit, declared or streamed', async () => {
    for (const declare of [true, false]) {
      const response = await withService(
        (_req, res) => {
          const body = 'x'.repeat(2000);
          if (declare) res.setHeader('Content-Length', String(body.length));
          res.end(body);
        },
        (url) => runProxy(new ProxyErrorReportValve({ 'errorCode.404': url }, { fetchMaxBytes: 1000, onWarning: () => {} }), request()),
      );
      expect(response.body, `declared ${declare}`).toContain('HTTP Status 404 – Not Found');
      expect(response.body).not.toContain('xxxx');
    }
  });

  it('relays a 2xx body only: an error answer from the service gives the standard report', async () => {
    const response = await withService(
      (_req, res) => {
        res.statusCode = 500;
        res.end('service broken');
      },
      (url) => runProxy(new ProxyErrorReportValve({ 'errorCode.0': url }, { onWarning: () => {} }), request()),
    );
    expect(response.body).toContain('HTTP Status 404');
    expect(response.body).not.toContain('service broken');
  });

  it('reads the URLs from lib/ProxyErrorReportValve.properties with usePropertiesFile', async () => {
    const base = mkdtempSync(join(tmpdir(), 'serval-proxy-properties-'));
    try {
      mkdirSync(join(base, 'lib'));
      const seen: string[] = [];
      const response = await withService(
        (req, res) => {
          seen.push(req.url ?? '');
          res.end('from properties');
        },
        (url) => {
          writeFileSync(
            join(base, 'lib', 'ProxyErrorReportValve.properties'),
            `# errors\n404 = ${url.replace(':', '\\:')}?p=1\n0=http://127.0.0.1:1/\n`,
          );
          return runProxy(new ProxyErrorReportValve({ usePropertiesFile: 'true' }, { catalinaBase: base }), request());
        },
      );
      expect(response.body).toBe('from properties');
      expect(seen).toEqual([
        '/errors?p=1&requestUri=%2Fapp%2Fx+y&statusCode=404&statusReason=Not+Found&statusDescription=' +
          new URLSearchParams({
            d: 'The origin server did not find a current representation for the target resource or is not willing to disclose that one exists.',
          })
            .toString()
            .slice(2),
      ]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('refuses at construction what it could not use', () => {
    expect(() => new ProxyErrorReportValve({ 'errorCode.404': '/relative' }, { element: 'conf/server.xml:9 Valve' })).toThrow(
      /conf\/server.xml:9 Valve.*\[\/relative\] of \[errorCode\.404\] is not an absolute http: or https: URL/,
    );
    // A redirect may go anywhere, a path on this server included.
    expect(() => new ProxyErrorReportValve({ 'errorCode.404': '/relative', useRedirect: 'true' })).not.toThrow();
    expect(() => new ProxyErrorReportValve({ usePropertiesFile: 'true' }, { catalinaBase: '/nonexistent-base' })).toThrow(
      /lib\/ProxyErrorReportValve.properties\] cannot be read \(ENOENT\)/,
    );
    expect(() => new ErrorReportValve({ 'errorCode.4o4': 'x.html' }, { element: 'conf/server.xml:7 Valve' })).toThrow(
      /Attribute \[errorCode.4o4\] on element \[conf\/server.xml:7 Valve\] has invalid value/,
    );
  });
});

describe('error page lookup and properties', () => {
  it('takes the nearest class of the prototype chain, then the status, then errorCode.0', () => {
    class AppError extends Error {}
    class DbError extends AppError {}
    const pages = errorPageTargets(
      { 'exceptionType.com.example.AppError': 'app', 'exceptionType.Error': 'error', 'errorCode.500': 's500', 'errorCode.0': 'any' },
      'x',
    );
    expect(findErrorPageTarget(pages, 500, new DbError('x'))).toBe('app');
    expect(findErrorPageTarget(pages, 500, new TypeError('x'))).toBe('error');
    expect(findErrorPageTarget(pages, 500, 'a string')).toBe('s500');
    expect(findErrorPageTarget(pages, 404, null)).toBe('any');
    expect(findErrorPageTarget(errorPageTargets({}, 'x'), 404, null)).toBeNull();
  });

  it('parses java.util.Properties syntax', () => {
    const parsed = parseProperties('# comment\n! also\n  a = 1\nb:2\nc 3\nd=multi\\\n   line\ne=\\u0041\\=x\\:\\\\\n\\ key=sp\n');
    expect([...parsed]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', 'multiline'],
      ['e', 'A=x:\\'],
      [' key', 'sp'],
    ]);
  });

  it("renders Tomcat's JSON report", () => {
    expect(JSON.parse(renderTomcatJsonReport(404, null, null, true) ?? '')).toEqual({
      status: 404,
      type: 'Status Report',
      message: '',
      description: expect.stringContaining('did not find') as unknown,
    });
    expect(renderTomcatJsonReport(499, null, null, true)).toBeNull();
    expect(JSON.parse(renderTomcatJsonReport(500, 'secret', new Error('x'), false) ?? '')).toEqual({ status: 500 });
  });
});

async function runProxy(valve: ProxyErrorReportValve, request: Request): Promise<FakeResponse> {
  const response = new FakeResponse();
  valve.next = next((r) => r.sendError(404));
  await valve.invoke(request, response as unknown as Response);
  return response;
}
