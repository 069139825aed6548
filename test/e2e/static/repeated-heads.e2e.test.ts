/**
 * Response heads that repeat the previous one's fields reuse its serialised field lines (field-block.ts). On one
 * keep-alive connection, files requested again and in turn, with an error page between them, must each get
 * exactly the head they get on their own: no field of one response may reach another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpClient, type RawResponse } from '../../helpers/raw-http-client.js';
import { send, startStaticServer, type StaticFixture } from '../../helpers/static-fixture.js';
import { forgetFieldBlock } from '../../../src/protocol/http11/field-block.js';

/** The head's fields but Date, which moves with the clock. */
function fieldsOf(response: RawResponse): string[] {
  return response.headers.filter(([name]) => name.toLowerCase() !== 'date').map(([name, value]) => `${name}: ${value}`);
}

describe('DefaultServlet: repeated and alternating response heads on one connection', () => {
  let fixture: StaticFixture;
  const targets = ['/files/a.txt', '/files/style.css', '/files/data.json', '/files/missing.txt'];
  const alone = new Map<string, { status: number; fields: string[]; body: string }>();

  beforeAll(async () => {
    fixture = await startStaticServer();
    // Each on its own connection, every one after a different head: each is serialised afresh.
    for (const target of targets) {
      forgetFieldBlock();
      const response = await send(fixture.server.port, target);
      alone.set(target, { status: response.status, fields: fieldsOf(response), body: response.body });
    }
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('gives every response the head it gets alone, whatever came before it', async () => {
    expect(alone.get('/files/a.txt')?.status).toBe(200);
    expect(alone.get('/files/a.txt')?.fields).toEqual(expect.arrayContaining([expect.stringMatching(/^ETag: W\/"500-\d+"$/)]));
    expect(alone.get('/files/missing.txt')?.status).toBe(404);
    const order = [
      '/files/a.txt',
      '/files/a.txt',
      '/files/a.txt',
      '/files/style.css',
      '/files/a.txt',
      '/files/data.json',
      '/files/data.json',
      '/files/missing.txt',
      '/files/data.json',
      '/files/style.css',
      '/files/style.css',
      '/files/a.txt',
    ];
    const client = await RawHttpClient.connect(fixture.server.port);
    try {
      for (const target of order) {
        await client.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
        const response = await client.readResponse();
        const expected = alone.get(target)!;
        expect(response.status, target).toBe(expected.status);
        expect(fieldsOf(response), target).toEqual(expected.fields);
        expect(response.body, target).toBe(expected.body);
      }
    } finally {
      client.close();
    }
  });
});
