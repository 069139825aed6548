/**
 * unpackWARs="false" end to end: a bundle is served straight from the archive — static files with validators
 * and ranges (cached and streamed, stored and deflated), a servlet requiring a sibling module and a WEB-INF/lib
 * package, an annotated servlet found by scanning, META-INF/context.xml parameters, welcome files, listings,
 * WEB-INF protection, read-only PUT — with nothing unpacked anywhere; a replaced bundle redeploys (its
 * descriptor closed and reopened), a deleted one undeploys.
 */
import { existsSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip, type BundleEntry } from '../../../src/deploy/bundle-builder.js';
import { dropBundle, logsMatching, startDeployServer, type DeployServer } from './deploy-harness.js';

const BIG = Array.from({ length: 40_000 }, (_, i) => `${String(i).padStart(6, '0')} streamed from the archive\n`).join('');

function bundle(version: string): Buffer {
  const text = (s: string): Buffer => Buffer.from(s, 'utf8');
  const entries: BundleEntry[] = [
    { name: 'index.html', data: text(`<h1>welcome ${version}</h1>`) },
    { name: 'static/style.css', data: text(`body { color: ${version === 'v1' ? 'red' : 'blue'}; }`) },
    // Larger than cacheObjectMaxSize (512 KiB): served by streaming the inflated entry.
    { name: 'static/big.txt', data: text(BIG) },
    { name: 'WEB-INF/secret.txt', data: text('never served') },
    {
      name: 'WEB-INF/web.xml',
      data: text(`<?xml version="1.0" encoding="UTF-8"?>
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
  <servlet><servlet-name>hello</servlet-name><servlet-class>app.Hello</servlet-class></servlet>
  <servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/hello</url-pattern></servlet-mapping>
  <servlet>
    <servlet-name>default</servlet-name>
    <servlet-class>org.apache.catalina.servlets.DefaultServlet</servlet-class>
    <init-param><param-name>listings</param-name><param-value>true</param-value></init-param>
    <init-param><param-name>readonly</param-name><param-value>false</param-value></init-param>
  </servlet>
  <servlet-mapping><servlet-name>default</servlet-name><url-pattern>/</url-pattern></servlet-mapping>
</web-app>`),
    },
    {
      name: 'WEB-INF/classes/app/Hello.js',
      data: text(`const { HttpServlet } = require('serval/servlet');
const format = require('./format.js');
const greeter = require('greeter');
class Hello extends HttpServlet {
  async doGet(request, response) {
    const ctx = this.getServletContext();
    const chunks = [];
    for await (const chunk of ctx.getResourceAsStream('/static/style.css')) chunks.push(chunk);
    response.setContentType('application/json');
    response.getWriter().write(JSON.stringify({
      greeting: format(greeter.greet('archive')),
      param: ctx.getInitParameter('fromArchive'),
      realPath: ctx.getRealPath('/'),
      resource: String(ctx.getResource('/index.html')),
      missing: ctx.getResource('/nope.txt'),
      stream: Buffer.concat(chunks).toString('utf8'),
      paths: ctx.getResourcePaths('/static').sort(),
      filename: __filename,
    }));
  }
}
module.exports = Hello;
`),
    },
    { name: 'WEB-INF/classes/app/format.js', data: text(`module.exports = (s) => '[' + s + ']';\n`) },
    {
      name: 'WEB-INF/classes/app/Scanned.js',
      data: text(`const { HttpServlet, WebServlet } = require('serval/servlet');
class Scanned extends HttpServlet {
  doGet(request, response) {
    response.setContentType('text/plain');
    response.getWriter().write('scanned ${version}');
  }
}
WebServlet({ urlPatterns: ['/scanned'] })(Scanned);
module.exports = Scanned;
`),
    },
    { name: 'WEB-INF/lib/greeter/package.json', data: text('{ "name": "greeter", "main": "lib/main.js" }') },
    { name: 'WEB-INF/lib/greeter/lib/main.js', data: text(`exports.greet = (who) => 'hello ' + who + ' ${version}';\n`) },
    { name: 'META-INF/context.xml', data: text(`<Context><Parameter name="fromArchive" value="yes ${version}"/></Context>`) },
  ];
  return buildZip(entries);
}

/** Descriptors this process holds on `file` (Linux /proc): proves the archive is closed and reopened. */
function descriptorsOn(file: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(join('/proc/self/fd', fd));
      if (target === file || target === `${file} (deleted)`) count++;
    } catch {
      // Closed between readdir and readlink.
    }
  }
  return count;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('unpackWARs="false": the bundle is served from the archive', () => {
  let server: DeployServer;
  let war: string;
  beforeAll(async () => {
    server = await startDeployServer({
      hostAttributes: 'unpackWARs="false"',
      prepare: (appBase) => {
        war = dropBundle(appBase, 'packed.war', bundle('v1'));
      },
    });
  });
  afterAll(async () => server?.close());

  it('serves static files with Content-Type, Content-Length, Last-Modified, ETag and ranges', async () => {
    const css = await send(server.port, 'GET', '/packed/static/style.css');
    expect(css.status).toBe(200);
    expect(css.body.toString()).toBe('body { color: red; }');
    expect(css.headers['content-type']).toBe('text/css;charset=UTF-8');
    expect(css.headers['content-length']).toBe(String(css.body.length));
    // Entries carry the bundle's mtime: a replaced bundle changes every validator.
    expect(css.headers['last-modified']).toBe(new Date(statSync(war).mtimeMs).toUTCString());
    expect(css.headers['etag']).toMatch(/^W\/"20-\d+"$/);

    const notModified = await send(server.port, 'GET', '/packed/static/style.css', { 'If-None-Match': String(css.headers['etag']) });
    expect(notModified.status).toBe(304);

    const range = await send(server.port, 'GET', '/packed/static/style.css', { Range: 'bytes=7-11' });
    expect(range.status).toBe(206);
    expect(range.headers['content-range']).toBe('bytes 7-11/20');
    expect(range.body.toString()).toBe('color');
  });

  it('streams a large deflated entry, whole and as a range', async () => {
    const whole = await send(server.port, 'GET', '/packed/static/big.txt');
    expect(whole.status).toBe(200);
    expect(whole.headers['content-length']).toBe(String(BIG.length));
    expect(whole.body.toString()).toBe(BIG);
    const range = await send(server.port, 'GET', '/packed/static/big.txt', { Range: 'bytes=700000-700039' });
    expect(range.status).toBe(206);
    expect(range.headers['content-range']).toBe(`bytes 700000-700039/${BIG.length}`);
    expect(range.body.toString()).toBe(BIG.slice(700_000, 700_040));
  });

  it('runs a servlet that requires a sibling module and a WEB-INF/lib package, with the ServletContext over the archive', async () => {
    const response = await send(server.port, 'GET', '/packed/hello');
    expect(response.status).toBe(200);
    const info = JSON.parse(response.body.toString()) as Record<string, unknown>;
    expect(info).toEqual({
      greeting: '[hello archive v1]',
      param: 'yes v1',
      realPath: null,
      resource: `jar:file://${war}!/index.html`,
      missing: null,
      stream: 'body { color: red; }',
      paths: ['/static/big.txt', '/static/style.css'],
      filename: join(war, 'WEB-INF', 'classes', 'app', 'Hello.js'),
    });
  });

  it('finds an annotated servlet by scanning the archive', async () => {
    const response = await send(server.port, 'GET', '/packed/scanned');
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('scanned v1');
  });

  it('serves the welcome file and a listing, and never WEB-INF or META-INF', async () => {
    const welcome = await send(server.port, 'GET', '/packed/');
    expect(welcome.status).toBe(200);
    expect(welcome.body.toString()).toBe('<h1>welcome v1</h1>');
    const listing = await send(server.port, 'GET', '/packed/static/');
    expect(listing.status).toBe(200);
    expect(listing.body.toString()).toContain('<a href="style.css">style.css</a>');
    expect(listing.body.toString()).toContain('<a href="big.txt">big.txt</a>');
    expect((await send(server.port, 'GET', '/packed/WEB-INF/secret.txt')).status).toBe(404);
    expect((await send(server.port, 'GET', '/packed/WEB-INF/web.xml')).status).toBe(404);
    expect((await send(server.port, 'GET', '/packed/META-INF/context.xml')).status).toBe(404);
    expect((await send(server.port, 'GET', '/packed/nope.txt')).status).toBe(404);
  });

  it('refuses PUT and DELETE with 405 even with readonly=false: the archive is read-only', async () => {
    const put = await send(server.port, 'PUT', '/packed/static/new.txt', { 'Content-Type': 'text/plain' }, 'data');
    expect(put.status).toBe(405);
    expect(put.headers['allow']).toBe('OPTIONS, GET, HEAD, POST');
    expect((await send(server.port, 'DELETE', '/packed/static/style.css')).status).toBe(405);
    expect((await send(server.port, 'OPTIONS', '/packed/static/style.css')).headers['allow']).toBe('OPTIONS, GET, HEAD, POST');
    expect((await send(server.port, 'GET', '/packed/static/style.css')).status).toBe(200);
  });

  it('unpacked nothing: no appBase/<name>, nothing under work/, one descriptor on the bundle', () => {
    expect(readdirSync(server.appBase)).toEqual(['packed.war']);
    expect(existsSync(join(server.base, 'work', 'Catalina', 'localhost', 'packed'))).toBe(false);
    expect(logsMatching(server, /Unpacked bundle/)).toEqual([]);
    expect(logsMatching(server, /Serving bundle \[.*packed\.war\] from the archive/)).toHaveLength(1);
    expect(descriptorsOn(war)).toBe(1);
  });

  it('redeploys a replaced bundle: new content, the old descriptor closed and the new one opened', async () => {
    dropBundle(server.appBase, 'packed.war', bundle('v2'));
    await server.deployer.check();
    expect((await send(server.port, 'GET', '/packed/scanned')).body.toString()).toBe('scanned v2');
    expect((await send(server.port, 'GET', '/packed/static/style.css')).body.toString()).toBe('body { color: blue; }');
    const info = JSON.parse((await send(server.port, 'GET', '/packed/hello')).body.toString()) as { greeting: string; param: string };
    expect(info).toMatchObject({ greeting: '[hello archive v2]', param: 'yes v2' });
    expect(descriptorsOn(war)).toBe(1);
    expect(readdirSync(server.appBase)).toEqual(['packed.war']);
  });

  it('undeploys a deleted bundle and closes its descriptor', async () => {
    rmSync(war);
    await server.deployer.check();
    expect((await send(server.port, 'GET', '/packed/hello')).status).toBe(404);
    expect(descriptorsOn(war)).toBe(0);
    expect(existsSync(join(server.base, 'work', 'Catalina', 'localhost', 'packed'))).toBe(false);
  });
});

describe('unpackWARs="false": a refused bundle is not deployed', () => {
  let server: DeployServer;
  beforeAll(async () => {
    server = await startDeployServer({
      hostAttributes: 'unpackWARs="false"',
      prepare: (appBase) => {
        dropBundle(
          appBase,
          'slip.war',
          buildZip([
            { name: 'WEB-INF/web.xml', data: Buffer.from('<web-app/>') },
            { name: '../escape.txt', data: Buffer.from('x') },
          ]),
        );
        dropBundle(appBase, 'broken.war', bundle('v1').subarray(0, 200));
      },
    });
  });
  afterAll(async () => server?.close());

  it('logs the coded refusal, serves 404 and fixes itself when the bundle is replaced', async () => {
    expect(logsMatching(server, /slip\.war\] is refused: entry \[\.\.\/escape\.txt\]/)).toHaveLength(1);
    expect(logsMatching(server, /broken\.war\] cannot be read/)).toHaveLength(1);
    expect((await send(server.port, 'GET', '/slip/')).status).toBe(404);
    expect((await send(server.port, 'GET', '/broken/')).status).toBe(404);
    dropBundle(server.appBase, 'broken.war', bundle('fixed'));
    await server.deployer.check();
    expect((await send(server.port, 'GET', '/broken/scanned')).body.toString()).toBe('scanned fixed');
  });
});
