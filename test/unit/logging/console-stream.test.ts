import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleStream, formatConsoleLine, formatLocalTime } from '../../../src/logging/console-stream.js';

const at = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();

describe('formatConsoleLine', () => {
  it('pads time fields and the level label', () => {
    expect(formatLocalTime(at)).toBe('2026-01-02 03:04:05.006');
    expect(formatConsoleLine({ level: 20, time: at, msg: 'x' }, false)).toBe('2026-01-02 03:04:05.006 DEBUG x\n');
    expect(formatConsoleLine({ level: 60, time: at, msg: 'x' }, false)).toBe('2026-01-02 03:04:05.006 FATAL x\n');
  });

  it('omits the component and code when absent and keeps extra fields as key=value', () => {
    const line = formatConsoleLine({ level: 30, time: at, pid: 1, hostname: 'h', msg: 'Listening', port: 8080, tags: ['a'] }, false);
    expect(line).toBe('2026-01-02 03:04:05.006 INFO  Listening port=8080 tags=["a"]\n');
  });

  it('prints the error stack, or its message when there is no stack', () => {
    expect(formatConsoleLine({ level: 50, time: at, msg: 'm', err: { message: 'only message' } }, false)).toBe(
      '2026-01-02 03:04:05.006 ERROR m\nonly message\n',
    );
    expect(formatConsoleLine({ level: 50, time: at, msg: 'm', err: { stack: 'Error: s\n    at f' } }, false)).toBe(
      '2026-01-02 03:04:05.006 ERROR m\nError: s\n    at f\n',
    );
  });

  it('colours time, level, component and code only when asked', () => {
    const line = formatConsoleLine({ level: 50, time: at, component: 'C', msg: 'm', code: 'SV_ERR_X' }, true);
    expect(line).toBe('\x1b[2m2026-01-02 03:04:05.006\x1b[0m \x1b[31mERROR\x1b[0m \x1b[36m[C]\x1b[0m m \x1b[2m(SV_ERR_X)\x1b[0m\n');
  });
});

describe('ConsoleStream', () => {
  it('formats JSON lines and passes anything else through unchanged', () => {
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const stream = new ConsoleStream(output, { colours: false });
    stream.write(`${JSON.stringify({ level: 40, time: at, msg: 'w' })}\n`);
    stream.write('not json\n');
    expect(chunks.join('')).toBe('2026-01-02 03:04:05.006 WARN  w\nnot json\n');
  });
});
