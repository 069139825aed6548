// The blocking-style endpoint's own behaviour (issue #7): connections pinned to worker threads, servlets that
// block the thread, synchronous body reads, faults that stay in their servlet, graceful stop.
import { executorOf } from '../../../src/blocking/main/connector-workers.js';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import type { TestServer } from '../../helpers/test-server.js';
import { BLOCKING_APP_BASE, startBlockingServer } from './blocking-server.js';

/** A worker that ended with an error (an uncaught throw), or without one (process.exit()). */
const WORKER_ENDED = ['SV_ERR_WORKER_CRASHED', 'SV_ERR_WORKER_EXITED'];

let server: TestServer;

beforeAll(async () => {
  server = await startBlockingServer({
    appBase: BLOCKING_APP_BASE,
    connectorAttributes: 'maxThreads="4" minSpareThreads="2" disableKeepAlivePercentage="100"',
  });
});

afterAll(async () => {
  await server?.close();
});

function get(path: string, extra = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`;
}

function executor(of: TestServer) {
  return executorOf(of.catalina.server.services[0]!.connectors[0]!.workers)!;
}

describe('blocking endpoint: threads', () => {
  it('runs servlets on worker threads and keeps a keep-alive connection on one worker', async () => {
    const client = await RawHttpClient.connect(server.port);
    try {
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) {
        await client.write(get('/thread'));
        const response = await client.readResponse();
        expect(response.status).toBe(200);
        seen.add(response.body);
      }
      expect(seen.size).toBe(1);
      expect([...seen][0]).not.toBe('0');
    } finally {
      client.close();
    }
  });

  it('a servlet spinning the CPU synchronously does not hold up a hello on another connection', async () => {
    const busy = await RawHttpClient.connect(server.port);
    const other = await RawHttpClient.connect(server.port);
    try {
      const order: string[] = [];
      await busy.write(get('/cpu?ms=1500'));
      const cpu = busy.readResponse({ timeoutMs: 10_000 }).then((response) => {
        order.push('cpu');
        return response;
      });
      // Give the spin a head start so that it really occupies its worker.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await other.write(get('/hello'));
      const hello = await other.readResponse();
      order.push('hello');
      expect(hello.body).toBe('hello');
      expect((await cpu).body).toBe('spun true');
      expect(order).toEqual(['hello', 'cpu']);
    } finally {
      busy.close();
      other.close();
    }
  });
});

describe('blocking endpoint: synchronous body reads', () => {
  it('readAllBytesSync() returns a 1 MiB body with Content-Length intact', async () => {
    const body = randomBytes(1024 * 1024);
    const response = await fetch(`${server.url}/read-sync`, { method: 'POST', body });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ length: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  });

  it('readSync() chunk by chunk follows a chunked body sent slowly', async () => {
    const client = await RawHttpClient.connect(server.port);
    try {
      const parts = ['first part|', 'second|', 'x'.repeat(70_000)];
      await client.write('POST /read-sync?mode=chunks HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n');
      for (const part of parts) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await client.write(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
      }
      await client.write('0\r\n\r\n');
      const response = await client.readResponse();
      const whole = Buffer.from(parts.join(''));
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ length: whole.length, sha256: createHash('sha256').update(whole).digest('hex') });
    } finally {
      client.close();
    }
  });

  it('an empty body reads as zero bytes', async () => {
    const response = await fetch(`${server.url}/read-sync`, { method: 'POST' });
    expect(await response.json()).toMatchObject({ length: 0 });
  });
});

describe('blocking endpoint: faults of a servlet stay its own (issue #18)', () => {
  it.each([
    ['process.exit() in a servlet', '/exit', 'SV_ERR_WEBAPP_EXIT_REFUSED'],
    ['an uncaught error thrown by a timer', '/crash', 'SV_ERR_WEBAPP_FAULT'],
  ])('%s: that request gets a 500, its connection and its worker go on, nothing crashes', async (_name, path, code) => {
    const bystander = await RawHttpClient.connect(server.port);
    const victim = await RawHttpClient.connect(server.port);
    try {
      await bystander.write(get('/thread'));
      const before = (await bystander.readResponse()).body;
      await victim.write(get('/thread'));
      const victimThread = (await victim.readResponse()).body;
      const crashesBefore = server.logs.filter((r) => WORKER_ENDED.includes(String(r.code))).length;
      const faultsBefore = server.logs.filter((r) => r.code === code).length;

      await victim.write(get(path));
      const failed = await victim.readResponse();
      expect(failed.status).toBe(500);
      expect(failed.header('connection')).not.toBe('close');
      // Same connection, same worker thread: the fault did not end it.
      await victim.write(get('/thread'));
      expect((await victim.readResponse()).body).toBe(victimThread);

      await bystander.write(get('/thread'));
      expect((await bystander.readResponse()).body).toBe(before);
      expect(server.logs.filter((r) => r.code === code).length).toBe(faultsBefore + 1);
      expect(server.logs.filter((r) => WORKER_ENDED.includes(String(r.code))).length).toBe(crashesBefore);
    } finally {
      bystander.close();
      victim.close();
    }
  });
});

describe('blocking endpoint: a request body whose framing breaks', () => {
  it('is answered 400 and closed while the servlet has not read it; neither the process nor a worker is lost', async () => {
    const bystander = await RawHttpClient.connect(server.port);
    const victim = await RawHttpClient.connect(server.port);
    try {
      await bystander.write(get('/thread'));
      const before = (await bystander.readResponse()).body;
      const crashesBefore = server.logs.filter((r) => WORKER_ENDED.includes(String(r.code))).length;

      // The servlet waits without reading while the main thread fails the body on its malformed chunk size.
      await victim.write('POST /slow?ms=200 HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nZ\r\nhello\r\n0\r\n\r\n');
      expect((await victim.readResponse()).status).toBe(400);
      expect(await victim.waitForClose(2000)).toBe(true);

      await bystander.write(get('/thread'));
      expect((await bystander.readResponse()).body).toBe(before);
      // The servlet finished on its worker with the failed body unread, and nothing crashed.
      await bystander.write(get('/slow?ms=300'));
      expect((await bystander.readResponse()).body).toBe('slow done');
      expect(server.logs.filter((r) => WORKER_ENDED.includes(String(r.code))).length).toBe(crashesBefore);
    } finally {
      bystander.close();
      victim.close();
    }
  });
});

describe('blocking endpoint: sessions shared by the workers', () => {
  it('changes made on one worker are seen on another; invalidation wins over a later commit', async () => {
    const first = await fetch(`${server.url}/session?set=a=1`, { headers: { Connection: 'close' } });
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    expect(await first.json()).toMatchObject({ isNew: true, attributes: { a: '1' } });
    // Two connections held open at the same time are pinned to two different workers.
    const one = await RawHttpClient.connect(server.port);
    const two = await RawHttpClient.connect(server.port);
    try {
      await one.write(get('/thread'));
      await two.write(get('/thread'));
      expect((await one.readResponse()).body).not.toBe((await two.readResponse()).body);
      await one.write(get('/session?set=b=2', `Cookie: ${cookie}\r\n`));
      expect(JSON.parse((await one.readResponse()).body)).toMatchObject({ isNew: false, attributes: { a: '1', b: '2' } });
      await two.write(get('/session?set=a=3', `Cookie: ${cookie}\r\n`));
      expect(JSON.parse((await two.readResponse()).body)).toMatchObject({ attributes: { a: '3', b: '2' } });
      await one.write(get('/session?invalidate', `Cookie: ${cookie}\r\n`));
      await one.readResponse();
      await two.write(get('/session', `Cookie: ${cookie}\r\n`));
      const fresh = JSON.parse((await two.readResponse()).body) as { id: string; isNew: boolean; attributes: object };
      expect(fresh.isNew).toBe(true);
      expect(fresh.attributes).toEqual({});
      expect(fresh.id).not.toBe(cookie.split('=')[1]);
    } finally {
      one.close();
      two.close();
    }
  });
});

describe('blocking endpoint: graceful stop', () => {
  it('lets a request in progress finish, then stops every worker thread', async () => {
    const own = await startBlockingServer({ appBase: BLOCKING_APP_BASE, connectorAttributes: 'maxThreads="2" minSpareThreads="2"' });
    const pool = executor(own);
    const client = await RawHttpClient.connect(own.port);
    try {
      await client.write(get('/slow?ms=500'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stopping = own.close();
      const response = await client.readResponse({ timeoutMs: 10_000 });
      expect(response.status).toBe(200);
      expect(response.body).toBe('slow done');
      await stopping;
      expect(pool.stats.threads).toBe(0);
    } finally {
      client.close();
    }
  });
});
