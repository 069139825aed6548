import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RateLimitedLog } from '../../../src/protocol/rate-limited-log.js';

/** A pino logger at debug level whose lines land in `lines`, parsed. */
function capturingLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

const DEBUG = 20;
const WARN = 40;

describe('RateLimitedLog', () => {
  it('logs the first `budget` lines of a second and only counts the rest', () => {
    const { logger, lines } = capturingLogger();
    const log = new RateLimitedLog(logger, 3, 'debug', 'Further rejected requests were not logged');
    for (let i = 0; i < 7; i++) log.log('debug', { code: 'SV_ERR_X', n: i }, `refused ${i}`, 10_000 + i * 100);
    expect(lines.map((line) => line['msg'])).toEqual(['refused 0', 'refused 1', 'refused 2']);
    expect(lines.every((line) => line['level'] === DEBUG && line['code'] === 'SV_ERR_X')).toBe(true);
  });

  it('opens the next second with one line counting what was left out, at the summary level', () => {
    const { logger, lines } = capturingLogger();
    const log = new RateLimitedLog(logger, 2, 'warn', 'Further AJP refusals were not logged');
    for (let i = 0; i < 5; i++) log.log('debug', {}, `bad packet ${i}`, 50_000);
    log.log('debug', {}, 'bad packet 5', 51_000);
    expect(lines.map((line) => [line['level'], line['msg'], line['suppressed']])).toEqual([
      [DEBUG, 'bad packet 0', undefined],
      [DEBUG, 'bad packet 1', undefined],
      [WARN, 'Further AJP refusals were not logged', 3],
      [DEBUG, 'bad packet 5', undefined],
    ]);
  });

  it('says nothing about a second that left nothing out', () => {
    const { logger, lines } = capturingLogger();
    const log = new RateLimitedLog(logger, 2, 'warn', 'summary');
    log.log('warn', {}, 'one', 1_000);
    log.log('warn', {}, 'two', 2_500);
    expect(lines.map((line) => line['msg'])).toEqual(['one', 'two']);
  });
});
