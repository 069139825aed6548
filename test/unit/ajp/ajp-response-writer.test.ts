// The response writer: packet order as a state machine, coded header names, body split at packetSize for every length.
import { describe, expect, it } from 'vitest';
import {
  AjpResponseWriter,
  CPONG_PACKET,
  getBodyChunkPacket,
  maxResponseBodyChunk,
} from '../../../src/protocol/ajp/ajp-response-writer.js';

function payloadOf(packet: Buffer): Buffer {
  expect(packet.subarray(0, 2).toString('latin1')).toBe('AB');
  expect(packet.readUInt16BE(2)).toBe(packet.length - 4);
  return packet.subarray(4);
}

/** Reassembles the data of SEND_BODY_CHUNK packets. */
function bodyOf(packets: Buffer[]): Buffer {
  return Buffer.concat(
    packets.map((p) => {
      const payload = payloadOf(p);
      expect(payload[0]).toBe(3);
      const length = payload.readUInt16BE(1);
      expect(payload[3 + length]).toBe(0);
      return payload.subarray(3, 3 + length);
    }),
  );
}

describe('AjpResponseWriter', () => {
  it('encodes SEND_HEADERS with coded and literal names and the reason phrase', () => {
    const writer = new AjpResponseWriter(8192);
    const packet = writer.head(
      200,
      null,
      [
        ['Content-Type', 'text/plain'],
        ['Set-Cookie', 'a=b'],
        ['X-Custom', 'é'],
      ],
      true,
    );
    const payload = payloadOf(packet);
    const expected = Buffer.concat([
      Buffer.from([4, 0, 200, 0, 2]),
      Buffer.from('OK\0', 'latin1'),
      Buffer.from([0, 3, 0xa0, 0x01, 0, 10]),
      Buffer.from('text/plain\0'),
      Buffer.from([0xa0, 0x07, 0, 3]),
      Buffer.from('a=b\0'),
      Buffer.from([0, 8]),
      Buffer.from('X-Custom\0'),
      Buffer.from([0, 1, 0xe9, 0]),
    ]);
    expect(payload).toEqual(expected);
    expect(writer.state).toBe('BODY');
  });

  it('splits body data at packetSize for lengths around every boundary', () => {
    for (const packetSize of [8192, 65536]) {
      const max = maxResponseBodyChunk(packetSize);
      expect(max).toBe(packetSize - 8);
      for (const length of [1, max - 1, max, max + 1, 2 * max, 2 * max + 1, 3 * max + 77]) {
        const writer = new AjpResponseWriter(packetSize);
        writer.head(200, 'OK', [], true);
        const data = Buffer.alloc(length);
        for (let i = 0; i < length; i++) data[i] = i & 0xff;
        const packets = writer.body(data);
        expect(packets.length).toBe(Math.ceil(length / max));
        expect(packets.every((p) => p.length <= packetSize)).toBe(true);
        expect(bodyOf(packets).equals(data)).toBe(true);
      }
    }
  });

  it('gives the same bytes however the application splits its writes', () => {
    const data = Buffer.from('The quick brown fox jumps over the lazy dog');
    for (let at = 0; at <= data.length; at++) {
      const writer = new AjpResponseWriter(8192);
      writer.head(200, null, [], true);
      expect(bodyOf([...writer.body(data.subarray(0, at)), ...writer.body(data.subarray(at))])).toEqual(data);
    }
  });

  it('sends no body chunk when the response has no body (HEAD, 204, 304)', () => {
    const writer = new AjpResponseWriter(8192);
    writer.head(304, null, [], false);
    expect(writer.state).toBe('NO_BODY');
    expect(writer.body(Buffer.from('ignored'))).toEqual([]);
    expect(writer.flush()).toBeNull();
    expect(payloadOf(writer.end(true))).toEqual(Buffer.from([5, 1]));
  });

  it('enforces the packet order', () => {
    const writer = new AjpResponseWriter(8192);
    expect(() => writer.body(Buffer.from('x'))).toThrow(/HEAD_PENDING/);
    expect(() => writer.end(true)).toThrow(/HEAD_PENDING/);
    writer.head(200, null, [], true);
    expect(() => writer.head(200, null, [], true)).toThrow(expect.objectContaining({ code: 'SV_ERR_RESPONSE_COMMITTED' }));
    expect(payloadOf(writer.end(false))).toEqual(Buffer.from([5, 0]));
    expect(writer.state).toBe('ENDED');
    expect(() => writer.body(Buffer.from('x'))).toThrow(/ENDED/);
    expect(() => writer.end(true)).toThrow(/ENDED/);
  });

  it('encodes an empty flush chunk, CPONG and GET_BODY_CHUNK', () => {
    const writer = new AjpResponseWriter(8192);
    writer.head(200, null, [], true);
    expect(writer.flush()).toEqual(Buffer.from([0x41, 0x42, 0, 4, 3, 0, 0, 0]));
    expect(CPONG_PACKET).toEqual(Buffer.from([0x41, 0x42, 0, 1, 9]));
    expect(getBodyChunkPacket(8186)).toEqual(Buffer.from([0x41, 0x42, 0, 3, 6, 0x1f, 0xfa]));
  });

  it('refuses headers that do not fit in one packet', () => {
    const writer = new AjpResponseWriter(8192);
    expect(() => writer.head(200, null, [['X-Big', 'x'.repeat(9000)]], true)).toThrow(
      expect.objectContaining({ code: 'SV_ERR_AJP_PACKET_TOO_LARGE' }),
    );
  });
});
