import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CompressedBody, type CompressedBodyOutput } from '../../../src/protocol/http11/compressed-body.js';
import { WHOLE_BODY_MAX_BYTES } from '../../../src/protocol/http11/compression.js';

/** Records what the body asks of its exchange. */
class RecordingOutput implements CompressedBodyOutput {
  heads: Array<{ status: number; fields: string[] }> = [];
  chunks: Buffer[] = [];
  failures: Error[] = [];
  closed = false;
  isClosed(): boolean {
    return this.closed;
  }
  commitHead(status: number, _reason: string | null, fields: string[]): void {
    this.heads.push({ status, fields: [...fields] });
  }
  writeEncoded(chunk: Uint8Array): boolean {
    this.chunks.push(Buffer.from(chunk));
    return true;
  }
  drained(): void {}
  fail(error: Error): void {
    this.failures.push(error);
  }
  get body(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const text = (size: number): Buffer => Buffer.from('Serval compresses this line of text. '.repeat(Math.ceil(size / 37)).slice(0, size));

describe('CompressedBody', () => {
  it('a held body is encoded once at the end and its head gets the encoded Content-Length', () => {
    const output = new RecordingOutput();
    const body = new CompressedBody('gzip', true, output);
    expect(body.holdingHead).toBe(true);
    body.holdHead(200, null, ['Content-Type', 'text/plain']);
    body.write(text(1000).subarray(0, 600));
    body.write(text(1000).subarray(600));
    expect(output.heads).toEqual([]);
    let finished = 0;
    body.end(false, () => finished++);
    expect(finished).toBe(1);
    expect(output.heads).toHaveLength(1);
    const fields = output.heads[0]!.fields;
    expect(fields.slice(0, 2)).toEqual(['Content-Type', 'text/plain']);
    expect(fields[2]).toBe('Content-Length');
    expect(Number(fields[3])).toBe(output.body.byteLength);
    expect(output.chunks).toHaveLength(1);
    expect(gunzipSync(output.body).equals(text(1000))).toBe(true);
  });

  it('a held body growing past the whole-body limit streams, chunked (no Content-Length)', async () => {
    const output = new RecordingOutput();
    const body = new CompressedBody('gzip', true, output);
    body.holdHead(200, null, []);
    const big = text(WHOLE_BODY_MAX_BYTES + 1000);
    body.write(big);
    expect(output.heads).toHaveLength(1);
    expect(output.heads[0]!.fields).not.toContain('Content-Length');
    await new Promise<void>((resolve) => body.end(false, resolve));
    expect(gunzipSync(output.body).equals(big)).toBe(true);
  });

  it('a held body not ended within its turn starts streaming, so a slow producer still gets bytes out', async () => {
    const output = new RecordingOutput();
    const body = new CompressedBody('gzip', true, output);
    body.holdHead(200, null, []);
    body.write(text(100));
    expect(output.heads).toHaveLength(0);
    await turn();
    expect(output.heads).toHaveLength(1);
    expect(output.heads[0]!.fields).not.toContain('Content-Length');
    // The encoder is flushed at the end of the turn; zlib then works on its own thread: wait (bounded) for it.
    for (let i = 0; i < 200 && output.body.byteLength === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(output.body.byteLength).toBeGreaterThan(0);
    body.write(text(50));
    await new Promise<void>((resolve) => body.end(false, resolve));
    expect(gunzipSync(output.body).toString()).toBe(text(100).toString() + text(50).toString());
  });

  it('trailers need chunked framing: a held body ending with trailers streams', async () => {
    const output = new RecordingOutput();
    const body = new CompressedBody('br', true, output);
    body.holdHead(200, null, []);
    body.write(text(200));
    await new Promise<void>((resolve) => body.end(true, resolve));
    expect(output.heads).toHaveLength(1);
    expect(output.heads[0]!.fields).not.toContain('Content-Length');
    expect(output.body.byteLength).toBeGreaterThan(0);
  });

  it('a streaming body writes nothing more once the response is closed, and destroy() stops it', async () => {
    const output = new RecordingOutput();
    const body = new CompressedBody('gzip', false, output);
    expect(body.holdingHead).toBe(false);
    body.write(text(5000));
    output.closed = true;
    body.flush();
    await turn();
    expect(output.chunks).toHaveLength(0);
    body.destroy();
    expect(output.failures).toHaveLength(0);
  });
});
