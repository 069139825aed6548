// The AJP packet reader fed at every split point: same packets however the bytes arrive; limits checked early.
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors/container-error.js';
import { AjpPacketReader } from '../../../src/protocol/ajp/ajp-packet-reader.js';
import { CPING, bodyPacket, encodeForwardRequest, packet } from '../../helpers/ajp-client.js';

function feedSplit(bytes: Buffer, splits: number[], packetSize = 8192): Buffer[] {
  const reader = new AjpPacketReader(packetSize);
  const out: Buffer[] = [];
  let from = 0;
  for (const at of [...splits, bytes.length]) {
    out.push(...reader.push(bytes.subarray(from, at)).map((p) => Buffer.from(p)));
    from = at;
  }
  expect(reader.hasPartialPacket).toBe(false);
  return out;
}

const forward = encodeForwardRequest({ uri: '/a', query: 'b=c', headers: [['host', 'x']], secret: 's' });
const stream = Buffer.concat([CPING, packet(forward), bodyPacket(Buffer.from('hello')), bodyPacket(Buffer.alloc(0))]);
const expected = [Buffer.from([0x0a]), forward, Buffer.concat([Buffer.from([0, 5]), Buffer.from('hello')]), Buffer.alloc(0)];

describe('AjpPacketReader', () => {
  it('yields the same payloads for every single split point', () => {
    for (let at = 0; at <= stream.length; at++) expect(feedSplit(stream, [at])).toEqual(expected);
  });

  it('yields the same payloads for every pair of split points', () => {
    for (let a = 1; a < stream.length; a += 3) {
      for (let b = a; b < stream.length; b += 5) expect(feedSplit(stream, [a, b])).toEqual(expected);
    }
  });

  it('yields the same payloads byte by byte', () => {
    expect(
      feedSplit(
        stream,
        Array.from({ length: stream.length }, (_, i) => i),
      ),
    ).toEqual(expected);
  });

  it('reports a partial packet until the last byte arrives', () => {
    const reader = new AjpPacketReader(8192);
    expect(reader.push(CPING.subarray(0, 3))).toEqual([]);
    expect(reader.hasPartialPacket).toBe(true);
    expect(reader.state).toBe('HEADER');
    expect(reader.push(CPING.subarray(3, 4))).toEqual([]);
    expect(reader.state).toBe('PAYLOAD');
    expect(reader.push(CPING.subarray(4))).toEqual([Buffer.from([0x0a])]);
    expect(reader.hasPartialPacket).toBe(false);
  });

  it('rejects bad magic as soon as the two magic bytes are in, and stays failed', () => {
    const reader = new AjpPacketReader(8192);
    expect(reader.push(Buffer.from([0x47]))).toEqual([]);
    expect(() => reader.push(Buffer.from([0x45]))).toThrow(expect.objectContaining({ code: 'SV_ERR_AJP_BAD_MAGIC' }));
    expect(reader.state).toBe('FAILED');
    expect(() => reader.push(CPING)).toThrow(ProtocolError);
  });

  it('accepts a packet of exactly packetSize and rejects one byte more before its payload arrives', () => {
    for (const size of [8192, 65536]) {
      const largest = packet(Buffer.alloc(size - 4, 1));
      expect(new AjpPacketReader(size).push(largest)[0]?.length).toBe(size - 4);
    }
    const reader = new AjpPacketReader(8192);
    const header = Buffer.from([0x12, 0x34, 0, 0]);
    header.writeUInt16BE(8189, 2);
    expect(() => reader.push(header)).toThrow(
      expect.objectContaining({ code: 'SV_ERR_AJP_PACKET_TOO_LARGE', message: expect.stringContaining('[8192]') }),
    );
  });

  it('honours a larger packetSize', () => {
    const big = packet(Buffer.alloc(20_000, 7));
    expect(() => new AjpPacketReader(8192).push(big)).toThrow(ProtocolError);
    const out = new AjpPacketReader(32768).push(big);
    expect(out[0]?.length).toBe(20_000);
  });
});
