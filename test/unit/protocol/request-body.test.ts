/** RequestBody: the parser-fed request body stream, its byte counts, back-pressure, swallowing and first-read hook. */
import { describe, expect, it } from 'vitest';
import { RequestBody, type BodySource } from '../../../src/protocol/http11/request-body.js';

class RecordingSource implements BodySource {
  readonly calls: Array<'pause' | 'resume'> = [];
  pauseBody(): void {
    this.calls.push('pause');
  }
  resumeBody(): void {
    this.calls.push('resume');
  }
  count(call: 'pause' | 'resume'): number {
    return this.calls.filter((c) => c === call).length;
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Reads the stream to its end (bounded by the test timeout). */
async function readAll(body: RequestBody): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('RequestBody', () => {
  it('counts the bytes delivered and hands them to the reader in order', async () => {
    const body = new RequestBody(new RecordingSource(), 11);
    body.deliver(Buffer.from('hello'));
    body.deliver(Buffer.from(' '));
    body.deliver(Buffer.from('world'));
    expect(body.bodyBytes).toBe(11);
    body.complete();
    expect((await readAll(body)).toString()).toBe('hello world');
    expect(body.bodyBytes).toBe(11);
  });

  it('bodyBytesRemaining follows Content-Length, is undefined for a chunked body, and 0 once complete', () => {
    const sized = new RequestBody(new RecordingSource(), 10);
    expect(sized.bodyBytesRemaining).toBe(10);
    sized.deliver(Buffer.from('abcd'));
    expect(sized.bodyBytesRemaining).toBe(6);
    sized.deliver(Buffer.from('efghij'));
    expect(sized.bodyBytesRemaining).toBe(0);
    sized.complete();
    expect(sized.bodyBytesRemaining).toBe(0);

    const chunked = new RequestBody(new RecordingSource(), undefined);
    expect(chunked.bodyBytesRemaining).toBeUndefined();
    chunked.deliver(Buffer.from('abc'));
    expect(chunked.bodyBytesRemaining).toBeUndefined();
    chunked.complete();
    expect(chunked.bodyBytesRemaining).toBe(0);
  });

  it('complete() ends the stream (end event, isComplete) and is idempotent', async () => {
    const body = new RequestBody(new RecordingSource(), 3);
    expect(body.isComplete).toBe(false);
    body.deliver(Buffer.from('abc'));
    body.complete();
    body.complete();
    expect(body.isComplete).toBe(true);
    let ended = 0;
    body.on('end', () => ended++);
    expect((await readAll(body)).toString()).toBe('abc');
    expect(ended).toBe(1);
    expect(body.readableEnded).toBe(true);
  });

  it('empty() is an ended body with nothing in it', async () => {
    const source = new RecordingSource();
    const body = RequestBody.empty(source);
    expect(body.isComplete).toBe(true);
    expect(body.bodyBytes).toBe(0);
    expect(body.bodyBytesRemaining).toBe(0);
    expect((await readAll(body)).length).toBe(0);
    expect(body.readableEnded).toBe(true);
    expect(source.calls).toEqual([]);
  });

  it('back-pressure: beyond highWaterMark the source is paused once; reading resumes it once', async () => {
    const source = new RecordingSource();
    const body = new RequestBody(source, undefined);
    const mark = body.readableHighWaterMark;
    body.deliver(Buffer.alloc(mark - 1, 0x61));
    expect(source.calls).toEqual([]);
    body.deliver(Buffer.alloc(1, 0x62));
    expect(source.calls).toEqual(['pause']);
    // More bytes while paused (already in flight from the socket) are kept, not a second pause.
    body.deliver(Buffer.alloc(mark, 0x63));
    body.deliver(Buffer.alloc(10, 0x64));
    expect(source.calls).toEqual(['pause']);
    expect(body.bodyBytes).toBe(2 * mark + 10);

    // The application catches up: the source is told to resume, once.
    let read = 0;
    body.on('data', (chunk: Buffer) => {
      read += chunk.length;
    });
    await nextTurn();
    expect(read).toBe(2 * mark + 10);
    expect(source.calls).toEqual(['pause', 'resume']);

    // Falling behind again pauses again; the pair stays balanced.
    body.pause();
    body.deliver(Buffer.alloc(mark, 0x65));
    expect(source.calls).toEqual(['pause', 'resume', 'pause']);
    body.resume();
    await nextTurn();
    expect(source.calls).toEqual(['pause', 'resume', 'pause', 'resume']);
    expect(read).toBe(3 * mark + 10);
  });

  it('a paused body that completes or is destroyed resumes its source (the socket is not left stopped)', () => {
    const completed = new RecordingSource();
    const first = new RequestBody(completed, undefined);
    first.deliver(Buffer.alloc(first.readableHighWaterMark));
    first.complete();
    expect(completed.calls).toEqual(['pause', 'resume']);

    const destroyed = new RecordingSource();
    const second = new RequestBody(destroyed, undefined);
    second.deliver(Buffer.alloc(second.readableHighWaterMark));
    second.destroy();
    expect(destroyed.calls).toEqual(['pause', 'resume']);
    // Bytes after destroy are ignored, not counted.
    second.deliver(Buffer.from('late'));
    expect(second.bodyBytes).toBe(second.readableHighWaterMark);
  });

  it('swallow(limit) discards what was buffered and what comes later, calling exceeded once past the limit', async () => {
    const source = new RecordingSource();
    const body = new RequestBody(source, 1000);
    body.deliver(Buffer.alloc(body.readableHighWaterMark, 0x61));
    expect(source.calls).toEqual(['pause']);
    let exceeded = 0;
    body.swallow(100, () => exceeded++);
    // The unread bytes are dropped and reading the socket goes on.
    expect(body.readableLength).toBe(0);
    expect(source.calls).toEqual(['pause', 'resume']);

    body.deliver(Buffer.alloc(60));
    body.deliver(Buffer.alloc(40));
    expect(exceeded).toBe(0);
    expect(body.readableLength).toBe(0);
    body.deliver(Buffer.alloc(1));
    expect(exceeded).toBe(1);
    body.deliver(Buffer.alloc(500));
    expect(exceeded).toBe(1);
    expect(body.bodyBytes).toBe(body.readableHighWaterMark + 601);
    // Nothing swallowed ever reaches a reader.
    let seen = 0;
    body.on('data', (chunk: Buffer) => {
      if (chunk.includes(0x61)) seen++;
    });
    await nextTurn();
    expect(seen).toBe(0);
  });

  it('swallow with an infinite limit never gives up; on a complete body it does nothing', () => {
    const body = new RequestBody(new RecordingSource(), undefined);
    let exceeded = 0;
    body.swallow(Number.POSITIVE_INFINITY, () => exceeded++);
    for (let i = 0; i < 100; i++) body.deliver(Buffer.alloc(100_000));
    expect(exceeded).toBe(0);
    expect(body.readableLength).toBe(0);
    expect(body.bodyBytes).toBe(10_000_000);

    const done = new RequestBody(new RecordingSource(), 3);
    done.deliver(Buffer.from('abc'));
    done.complete();
    done.swallow(0, () => exceeded++);
    expect(exceeded).toBe(0);
  });

  it('onFirstRead fires once, when the application first reads, and not before', async () => {
    const body = new RequestBody(new RecordingSource(), 6);
    let fired = 0;
    body.onFirstRead(() => fired++);
    await nextTurn();
    expect(fired).toBe(0);
    const reading = readAll(body);
    await nextTurn();
    expect(fired).toBe(1);
    body.deliver(Buffer.from('abc'));
    await nextTurn();
    body.deliver(Buffer.from('def'));
    body.complete();
    expect((await reading).toString()).toBe('abcdef');
    expect(fired).toBe(1);
  });

  it('swallow() cancels a pending first-read hook (the application never read)', () => {
    const body = new RequestBody(new RecordingSource(), 10);
    let fired = 0;
    body.onFirstRead(() => fired++);
    body.swallow(100, () => undefined);
    body.deliver(Buffer.from('abc'));
    expect(fired).toBe(0);
  });

  it('keeps trailer fields as received', () => {
    const body = new RequestBody(new RecordingSource(), undefined);
    body.addTrailers(['X-Checksum', 'abc']);
    body.addTrailers(['X-Other', '1', 'X-Checksum', 'def']);
    expect(body.rawTrailers).toEqual(['X-Checksum', 'abc', 'X-Other', '1', 'X-Checksum', 'def']);
  });

  it('bytes arriving before anyone reads do not count as the first read; a real read does', async () => {
    const body = new RequestBody({ pauseBody() {}, resumeBody() {} }, 10);
    let fired = 0;
    body.onFirstRead(() => fired++);
    body.deliver(Buffer.from('abc'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(fired).toBe(0);
    expect(String(body.read())).toBe('abc');
    expect(fired).toBe(1);
  });
});
