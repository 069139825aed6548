/**
 * How one framed body chunk (the pending head and chunk-size line in front, a chunk's CRLF behind) is cut into
 * socket writes. None of this changes the bytes on the wire, only how many system calls and buffers carry
 * them; test/shape/ pins it.
 */
import { LAST_CHUNK } from './body-framing.js';
import type { ResponseOutput } from './response-output.js';

/** Whether a write carries the response's last bytes. */
export type WriteEnd = 'more-follows' | 'last';

const CRLF = '\r\n';
/**
 * Beside a body buffer, the head and the chunk framing go as bytes too: a writev of buffers only is passed to
 * libuv as it is, while one that mixes in strings makes node's binding read every element and its encoding
 * back through the V8 API and encode the strings into a separate allocation (100 KB response: ~3k
 * instructions, bench/RESULTS.md 2026-11-22 07:35).
 */
const CRLF_BYTES = Buffer.from(CRLF, 'latin1');
/** A head and a body chunk up to this size leave as one buffer (one copy beats a second iovec). */
const COALESCE_MAX_BYTES = 16 * 1024;
/**
 * A response larger than one TCP segment of 64 KiB (the most one TSO/GSO send carries) leaves in two writes: the
 * head with the body up to this size, at once, then the rest. As one writev, the kernel's pacing (BBR on the
 * bench host) held the rest of most responses on connections younger than a few hundred responses behind a
 * timer interrupt, and its bandwidth estimate stayed low; as two writes the estimate rose tenfold and the timers
 * all but went (bench/RESULTS.md 2026-11-22 05:12: 0.4–0.6 → 0.02 timers per 100 KB response, +30% req/s). Servers
 * that sendfile (Tomcat, nginx) write a file's head and body in separate calls too.
 */
const FIRST_WRITE_BYTES = 64 * 1024;

/**
 * Writes `prefix` (latin1: head and/or chunk-size line), `chunk` and `suffixLength` bytes of CRLF (0 or 2);
 * false = the writer should wait for drain.
 */
export function writeFramed(output: ResponseOutput, prefix: string, chunk: Uint8Array, suffixLength: number, end: WriteEnd): boolean {
  const size = chunk.byteLength;
  if (prefix.length + size + suffixLength <= COALESCE_MAX_BYTES) {
    const buffer = Buffer.allocUnsafe(prefix.length + size + suffixLength);
    buffer.write(prefix, 0, 'latin1');
    buffer.set(chunk, prefix.length);
    if (suffixLength !== 0) buffer.write(CRLF, prefix.length + size, 'latin1');
    return end === 'last' ? output.sendLast(buffer) : output.send(buffer);
  }
  if (prefix !== '') {
    const prefixBytes = Buffer.from(prefix, 'latin1');
    if (suffixLength === 0 && prefix.length < FIRST_WRITE_BYTES && prefix.length + size > FIRST_WRITE_BYTES && output.hasTurn) {
      const first = FIRST_WRITE_BYTES - prefix.length;
      output.send(prefixBytes);
      output.send(chunk.subarray(0, first));
      output.flushCorked();
      chunk = chunk.subarray(first);
    } else {
      output.send(prefixBytes);
    }
  }
  const accepted = end === 'last' ? output.sendLast(chunk) : output.send(chunk);
  // Only a Content-Length body ends with a body write; a chunked one ends with its last chunk (body-framing.ts).
  return suffixLength === 0 ? accepted : output.send(CRLF_BYTES) && accepted;
}

const LAST_CHUNK_BYTES = Buffer.from(LAST_CHUNK, 'latin1');
const EMPTY = Buffer.alloc(0);

/**
 * The response's last write: a head still pending and the framing's last bytes (body-framing.ts lastChunk).
 * Alone, the usual last chunk goes as bytes, after body chunks that were bytes too (CRLF_BYTES says why); an
 * empty last write still carries the completion.
 */
export function writeLast(output: ResponseOutput, head: string, lastChunk: string): void {
  if (head === '') {
    if (lastChunk === '') output.sendLast(EMPTY);
    else output.sendLast(lastChunk === LAST_CHUNK ? LAST_CHUNK_BYTES : lastChunk);
    return;
  }
  output.sendLast(head + lastChunk);
}
