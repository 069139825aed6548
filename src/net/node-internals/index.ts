/**
 * The one place Serval touches Node internals (architecture decision 8). Each internal saves work on a hot
 * path; none is needed for correctness. Before one is used it is checked once, on this Node, for being there
 * and for behaving as the code relies on (a sample request parsed through the parser binding, handle-level
 * gzip compared with zlib.gzipSync…). A feature whose check fails takes its public path instead, and
 * reportNodeInternals() logs one line per such feature (SV_MSG_NODE_INTERNAL_FALLBACK). A Node release that
 * removes or changes an internal therefore costs speed, never correctness. CI runs the HTTP/1.1 suites a second
 * time with SERVAL_PUBLIC_HTTP_PARSER=1, which forces the parser's public path.
 *
 * No other file of src/ names these internals (test/unit/architecture/node-internals.test.ts).
 */
import type { Readable } from 'node:stream';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { formatMessage } from '../../errors/codes.js';
import type { LlhttpError, LlhttpParser, ParserEvents } from '../http-parser.js';
import { BindingParser, canConsume, loadBinding, type BindingModule } from './llhttp-binding.js';
import { checkIdleTimerRefresh, checkReadAhead, markReadingMore, unrefTimer } from './stream-state.js';
import { checkTlsHandle, tlsHandleOf } from './tls-handle.js';
import { checkEncoderHandles, encoderHandleOf, type EncoderHandle } from './zlib-handle.js';
import { checkBindingParser } from './llhttp-check.js';

export type { EncoderHandle, NativeEncoder } from './zlib-handle.js';
export { brotliParamSlots } from './zlib-handle.js';

/** The environment variable that forces node:http's public parser (`1`), for CI and for comparison. */
export const PUBLIC_HTTP_PARSER_ENV = 'SERVAL_PUBLIC_HTTP_PARSER';
/** Features (comma-separated names of FEATURES, or `all`) forced onto their public path, for CI and tests. */
export const INTERNALS_OFF_ENV = 'SERVAL_NODE_INTERNALS_OFF';

/** Each internal this module uses, what it is for, and what runs when it cannot be used. */
const FEATURES = {
  'llhttp-binding': {
    internal: "node's HTTP parser binding (_http_common HTTPParser)",
    fallback: 'node:http http.Server parses each connection through an in-memory stream',
  },
  'parser-reads-socket': {
    internal: "the parser reading the socket's handle itself (HTTPParser consume, _handle._consumed)",
    fallback: "the parser is fed from the socket's 'data' events",
  },
  'socket-timer-refresh': {
    internal: 'net.Socket _unrefTimer',
    fallback: 'the idle timer is re-armed with socket.setTimeout()',
  },
  'read-ahead': {
    internal: 'Readable _readableState.readingMore',
    fallback: "sockets keep node's read-ahead tick",
  },
  'zlib-handle': {
    internal: 'zlib stream _handle and _writeState',
    fallback: 'each body is encoded by zlib.gzipSync / zlib.brotliCompressSync',
  },
  'tls-handle': {
    internal: 'TLSSocket _handle setVerifyMode / verifyError',
    fallback: 'TLS handshakes run through a private tls.Server (certificate requested for every host when any host asks for one)',
  },
} as const;

export type NodeInternalFeature = keyof typeof FEATURES;

interface Verdict {
  /** Why the feature takes its public path; null when the internal is used. */
  readonly reason: string | null;
  /** The public path was asked for (SERVAL_PUBLIC_HTTP_PARSER), not forced by a failed check. */
  readonly forced: boolean;
}

const verdicts = new Map<NodeInternalFeature, Verdict>();
let binding: BindingModule | null | undefined;
let timerRefresh: boolean | undefined;

function verdict(feature: NodeInternalFeature): Verdict {
  let known = verdicts.get(feature);
  if (known === undefined) {
    known = judge(feature);
    verdicts.set(feature, known);
  }
  return known;
}

function judge(feature: NodeInternalFeature): Verdict {
  const off = process.env[INTERNALS_OFF_ENV];
  if (off !== undefined && off.split(',').some((name) => name.trim() === 'all' || name.trim() === feature)) {
    return { reason: `${INTERNALS_OFF_ENV}=${off} turns it off`, forced: true };
  }
  try {
    switch (feature) {
      case 'llhttp-binding': {
        const forced = process.env[PUBLIC_HTTP_PARSER_ENV];
        if (forced !== undefined && forced !== '' && forced !== '0') {
          return { reason: `${PUBLIC_HTTP_PARSER_ENV}=${forced} asks for the public parser`, forced: true };
        }
        const loaded = loadBinding();
        const problem = checkBindingParser((max, events) => new BindingParser(loaded, max, events));
        if (problem === null) binding = loaded;
        return { reason: problem, forced: false };
      }
      case 'parser-reads-socket': {
        const parser = verdict('llhttp-binding');
        if (parser.reason !== null) return { reason: 'the parser binding is not used', forced: parser.forced };
        return { reason: canConsume(binding as BindingModule), forced: false };
      }
      case 'socket-timer-refresh':
        return { reason: checkIdleTimerRefresh(), forced: false };
      case 'read-ahead':
        return { reason: checkReadAhead(), forced: false };
      case 'zlib-handle':
        return { reason: checkEncoderHandles(), forced: false };
      case 'tls-handle':
        return { reason: checkTlsHandle(), forced: false };
    }
  } catch (error) {
    return { reason: `its check threw: ${(error as Error).message}`, forced: false };
  }
}

/** True when `feature` uses its Node internal on this Node (checked once, on first use). */
export function usesNodeInternal(feature: NodeInternalFeature): boolean {
  return verdict(feature).reason === null;
}

let reported = false;

/**
 * Runs every check not run yet and logs one line for each feature on its public path; once per process
 * (the first connector to start calls it). Returns the features on their public path.
 */
export function reportNodeInternals(logger: Logger): NodeInternalFeature[] {
  const fallbacks: NodeInternalFeature[] = [];
  for (const feature of Object.keys(FEATURES) as NodeInternalFeature[]) {
    const { reason, forced } = verdict(feature);
    if (reason === null) continue;
    fallbacks.push(feature);
    if (reported) continue;
    const { internal, fallback } = FEATURES[feature];
    const message = formatMessage('SV_MSG_NODE_INTERNAL_FALLBACK', { internal, version: process.version, detail: reason, fallback });
    logger[forced ? 'info' : 'warn']({ code: 'SV_MSG_NODE_INTERNAL_FALLBACK', feature }, message);
  }
  reported = true;
  return fallbacks;
}

// --- the HTTP/1.1 parser binding ---------------------------------------------------------------------------

/** A parser on node's binding, or null when the public parser must be used instead. */
export function createBindingParser(maxHeaderSize: number, events: ParserEvents): BindingParser | null {
  if (verdict('llhttp-binding').reason !== null || binding === null || binding === undefined) return null;
  return new BindingParser(binding, maxHeaderSize, events);
}

export type { BindingParser };

/**
 * Makes a binding parser read the socket's handle itself (see BindingParser.consumeSocket); false when the
 * socket must be read through 'data' events: another kind of parser, this Node cannot, or this socket cannot.
 */
export function consumeSocket(parser: LlhttpParser, socket: Readable, onExecute: (result: number | LlhttpError) => void): boolean {
  if (!(parser instanceof BindingParser) || verdict('parser-reads-socket').reason !== null) return false;
  return parser.consumeSocket(socket, onExecute);
}

/** Gives the socket's reads back to its 'data' events after consumeSocket. */
export function releaseSocket(parser: LlhttpParser, socket: Readable): void {
  if (parser instanceof BindingParser) parser.releaseSocket(socket);
}

/** The bytes of the read a socket-reading parser is executing (inside consumeSocket's onExecute only). */
export function currentRead(parser: LlhttpParser): Buffer | undefined {
  return parser instanceof BindingParser ? parser.getCurrentBuffer() : undefined;
}

// --- sockets and streams -----------------------------------------------------------------------------------

/**
 * Refreshes a socket's idle timer (socket.setTimeout) for a read that did not come through its 'data' events,
 * which would have refreshed it. The public path sets the same timeout again, which clears and re-queues the timer.
 */
export function refreshIdleTimer(socket: Socket): void {
  // Called for reads while a message is open: the verdict is looked up once.
  timerRefresh ??= verdict('socket-timer-refresh').reason === null;
  if (timerRefresh) {
    unrefTimer(socket);
    return;
  }
  const timeout = socket.timeout;
  if (timeout !== undefined && timeout > 0) socket.setTimeout(timeout);
}

/** Skips a stream's read-ahead tick (stream-state.ts says why); the public path keeps it. */
export function skipReadAhead(stream: Readable): void {
  if (verdict('read-ahead').reason === null) markReadingMore(stream);
}

// --- zlib --------------------------------------------------------------------------------------------------

/** The native encoder behind a zlib or brotli stream, or null when whole-body *Sync calls must be used. */
export function encoderHandle(stream: import('node:stream').Transform): EncoderHandle | null {
  return verdict('zlib-handle').reason === null ? encoderHandleOf(stream) : null;
}

// --- TLS ---------------------------------------------------------------------------------------------------

/**
 * The TLSWrap methods node's own tls.Server uses on its sockets (SSL_set_verify, and the result of chain
 * verification, which tls.Server rather than TLSSocket turns into `authorized`), or null when TLS handshakes
 * must go through a tls.Server (net/tls-context.ts).
 */
export function tlsVerification(socket: TLSSocket): {
  setVerifyMode(requestCert: boolean, rejectUnauthorized: boolean): void;
  verifyError(): Error | null;
} | null {
  return verdict('tls-handle').reason === null ? tlsHandleOf(socket) : null;
}

/** Whether TLS handshakes may use the TLSSocket handle's verification methods (else tls-context.ts's public path). */
export function tlsHandleUsable(): boolean {
  return verdict('tls-handle').reason === null;
}

/** Test hook: forget every verdict (the next use checks again, reading SERVAL_PUBLIC_HTTP_PARSER again). */
export function resetNodeInternalsForTests(): void {
  verdicts.clear();
  binding = undefined;
  timerRefresh = undefined;
  reported = false;
}
