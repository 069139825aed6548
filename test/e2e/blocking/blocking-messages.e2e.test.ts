// The messages between the main thread and the worker threads of a blocking-style connector (issue #7, hot
// path): each postMessage wakes the thread it goes to, so a keep-alive request costs one post each way (the
// worker batches head, body, end and 'done'); the connection's facts travel with its first request only; and
// batching never holds back bytes the servlet flushed before it blocks its thread.
import { executorOf } from '../../../src/blocking/main/connector-workers.js';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import type { TestServer } from '../../helpers/test-server.js';
import { BLOCKING_APP_BASE, startBlockingServer } from './blocking-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startBlockingServer({
    appBase: BLOCKING_APP_BASE,
    connectorAttributes: 'maxThreads="2" minSpareThreads="1" disableKeepAlivePercentage="100"',
  });
});

afterAll(async () => {
  await server?.close();
});

function get(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`;
}

/** GET /remote on the agent's one socket: the client port the servlet saw, and the socket's real one. */
function remote(agent: http.Agent): Promise<{ readonly port: number; readonly expected: number }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port: server.port, path: '/remote', agent }, (response) => {
      const expected = response.socket.localPort ?? -1;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ port: Number(body.split(' ')[1]), expected }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

function stats() {
  return executorOf(server.catalina.server.services[0]!.connectors[0]!.workers)!.stats;
}

describe('blocking endpoint: messages between threads', () => {
  it('a keep-alive hello costs one post to the worker and one back', async () => {
    const client = await RawHttpClient.connect(server.port);
    try {
      // The first request pins the connection (and may start the spare worker): not counted.
      await client.write(get('/hello'));
      expect((await client.readResponse()).body).toBe('hello');
      const before = stats();
      const requests = 20;
      for (let i = 0; i < requests; i++) {
        await client.write(get('/hello'));
        const response = await client.readResponse();
        expect(response.status).toBe(200);
        expect(response.body).toBe('hello');
      }
      const after = stats();
      // Before batching: 4 posts back per request (head, data, end, done) and 3 to it (request, ack, ended).
      expect(after.postsToWorkers - before.postsToWorkers).toBe(requests);
      expect(after.postsFromWorkers - before.postsFromWorkers).toBe(requests);
    } finally {
      client.close();
    }
  });

  it('pipelined requests are answered in order, at most one post back each', async () => {
    const client = await RawHttpClient.connect(server.port);
    try {
      await client.write(get('/hello'));
      await client.readResponse();
      const before = stats();
      await client.write(get('/hello') + get('/thread') + get('/hello'));
      const first = await client.readResponse();
      const second = await client.readResponse();
      const third = await client.readResponse();
      expect([first.body, third.body]).toEqual(['hello', 'hello']);
      expect(Number(second.body)).toBeGreaterThan(0);
      const after = stats();
      // Requests already queued on the worker may even share a batch.
      expect(after.postsFromWorkers - before.postsFromWorkers).toBeGreaterThanOrEqual(1);
      expect(after.postsFromWorkers - before.postsFromWorkers).toBeLessThanOrEqual(3);
    } finally {
      client.close();
    }
  });

  it('each connection a worker serves sees its own address, sent with its first request only', async () => {
    const seen: Array<{ readonly port: number; readonly expected: number }> = [];
    // Three connections one after the other, two requests each: with maxThreads 2 at least one worker serves
    // two of them, so it must switch to the next connection's facts, then keep them for its second request.
    for (let c = 0; c < 3; c++) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let i = 0; i < 2; i++) seen.push(await remote(agent));
      } finally {
        agent.destroy();
      }
    }
    expect(seen).toHaveLength(6);
    for (const { port, expected } of seen) expect(port).toBe(expected);
    expect(seen[0]!.expected).toBe(seen[1]!.expected);
  });

  it('bytes flushed with flushBuffer() reach the client while the servlet blocks its thread', async () => {
    const client = await RawHttpClient.connect(server.port);
    try {
      await client.write(get('/flush-block?ms=600'));
      expect(await client.waitForData(5000)).toBe(true);
      // What arrived first holds the flushed part, not the part written after the thread unblocked.
      expect(client.received).toContain('first;');
      expect(client.received).not.toContain('second');
      const response = await client.readResponse();
      expect(response.status).toBe(200);
      expect(response.body).toBe('first;second');
    } finally {
      client.close();
    }
  });
});
