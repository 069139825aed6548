// The request body stream: first packet unasked with Content-Length, GET_BODY_CHUNK on demand, end on length or empty packet.
import { describe, expect, it } from 'vitest';
import { AjpRequestBody } from '../../../src/protocol/ajp/ajp-request-body.js';

function body(data: Buffer): Buffer {
  const out = Buffer.alloc(data.length + 2);
  out.writeUInt16BE(data.length, 0);
  data.copy(out, 2);
  return out;
}

async function readAll(stream: AjpRequestBody): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('AjpRequestBody', () => {
  it('waits for the unasked first packet, then asks for each further one', async () => {
    let asked = 0;
    const stream = new AjpRequestBody({ requestBodyPacket: () => asked++ }, 10, false);
    expect(stream.awaitingPacket).toBe(true);
    const reading = readAll(stream);
    await new Promise((r) => setImmediate(r));
    expect(asked).toBe(0);
    stream.onPacket(body(Buffer.from('hello')));
    await new Promise((r) => setImmediate(r));
    expect(asked).toBe(1);
    stream.onPacket(body(Buffer.from('world')));
    expect(await reading).toEqual(Buffer.from('helloworld'));
    expect(stream.complete).toBe(true);
    expect(asked).toBe(1);
  });

  it('asks first for a chunked body and ends on the empty packet', async () => {
    let asked = 0;
    const stream = new AjpRequestBody({ requestBodyPacket: () => asked++ }, -1, true);
    const reading = readAll(stream);
    await new Promise((r) => setImmediate(r));
    expect(asked).toBe(1);
    stream.onPacket(body(Buffer.from('abc')));
    await new Promise((r) => setImmediate(r));
    stream.onPacket(Buffer.alloc(0));
    expect(await reading).toEqual(Buffer.from('abc'));
    expect(asked).toBe(2);
  });

  it('is empty without Content-Length and without chunked, and never asks', async () => {
    let asked = 0;
    const stream = new AjpRequestBody({ requestBodyPacket: () => asked++ }, -1, false);
    expect(await readAll(stream)).toEqual(Buffer.alloc(0));
    expect(asked).toBe(0);
  });

  it('rejects a packet shorter than it declares and data beyond Content-Length', () => {
    const stream = new AjpRequestBody({ requestBodyPacket: () => undefined }, 3, false);
    expect(() => stream.onPacket(Buffer.from([0, 9, 1]))).toThrow(
      expect.objectContaining({
        code: 'SV_ERR_AJP_BODY_LENGTH_MISMATCH',
        message: 'Malformed AJP body packet: it declares [9] bytes but carries [1]',
      }),
    );
    const other = new AjpRequestBody({ requestBodyPacket: () => undefined }, 3, false);
    expect(() => other.onPacket(body(Buffer.from('abcd')))).toThrow(
      expect.objectContaining({
        code: 'SV_ERR_AJP_BODY_TOO_LONG',
        message: 'Malformed AJP body: [4] body bytes exceed Content-Length [3]',
      }),
    );
  });
});
