import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, ContainerError } from '../../../src/errors/container-error.js';
import { closeLogger, componentLogger, createLogger, logCoded } from '../../../src/logging/logger.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'serval-logger-'));
  vi.stubEnv('SERVAL_LOG_LEVEL', '');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

function capture(tty = false): { output: PassThrough & { isTTY?: boolean }; text: () => string } {
  const output = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (tty) output.isTTY = true;
  const chunks: string[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { output, text: () => chunks.join('') };
}

async function readJsonLines(file: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createLogger file output', () => {
  it('writes JSON lines with level, msg, component and code to catalina.<date>.log, rolling at midnight', async () => {
    const clock = { now: new Date(2026, 10, 21, 23, 59, 59, 500).getTime() };
    const logger = createLogger({ logsDir: dir, console: false, now: () => clock.now });
    const engine = componentLogger(logger, 'Engine[Catalina]');
    engine.info('Starting');
    logCoded(engine, 'warn', { code: 'SV_ERR_SESSION_INVALIDATED', params: { method: 'getAttribute' } });
    clock.now += 500;
    logger.error('after midnight');
    await closeLogger(logger);

    expect((await readdir(dir)).sort()).toEqual(['catalina.2026-11-21.log', 'catalina.2026-11-22.log']);
    const day1 = await readJsonLines(path.join(dir, 'catalina.2026-11-21.log'));
    expect(day1).toHaveLength(2);
    expect(day1[0]).toMatchObject({ level: 30, msg: 'Starting', component: 'Engine[Catalina]', time: clock.now - 500 });
    expect(day1[1]).toMatchObject({
      level: 40,
      msg: 'getAttribute: Session already invalidated',
      code: 'SV_ERR_SESSION_INVALIDATED',
      component: 'Engine[Catalina]',
    });
    const day2 = await readJsonLines(path.join(dir, 'catalina.2026-11-22.log'));
    expect(day2).toEqual([expect.objectContaining({ level: 50, msg: 'after midnight' })]);
  });

  it('filters by level, with SERVAL_LOG_LEVEL overriding the option', async () => {
    vi.stubEnv('SERVAL_LOG_LEVEL', 'debug');
    const now = (): number => new Date(2026, 0, 2, 10).getTime();
    const logger = createLogger({ logsDir: dir, console: false, level: 'warn', now });
    logger.trace('hidden');
    logger.debug('shown');
    await closeLogger(logger);
    const lines = await readJsonLines(path.join(dir, 'catalina.2026-01-02.log'));
    expect(lines.map((line) => line.msg)).toEqual(['shown']);
  });

  it('defaults to info', async () => {
    const logger = createLogger({ logsDir: null, console: false });
    expect(logger.level).toBe('info');
  });

  it('rejects an unknown level with a config error', () => {
    vi.stubEnv('SERVAL_LOG_LEVEL', '');
    expect(() => createLogger({ logsDir: null, console: false, level: 'verbose' })).toThrow(ConfigError);
    vi.stubEnv('SERVAL_LOG_LEVEL', 'loud');
    expect(() => createLogger({ logsDir: null, console: false })).toThrow(/SERVAL_LOG_LEVEL.*\[loud\]/);
  });

  it('closeLogger flushes every buffered record, also when called on a child, and is idempotent', async () => {
    const now = (): number => new Date(2026, 3, 4, 5).getTime();
    const logger = createLogger({ logsDir: dir, console: false, now });
    const child = componentLogger(logger, 'Connector');
    for (let i = 0; i < 2000; i++) child.info({ i }, 'record');
    // Closed through a child of a child alone: it finds the root's files (pino's onChild hook is inherited).
    await closeLogger(child.child({ context: '/app' }));
    const lines = await readJsonLines(path.join(dir, 'catalina.2026-04-04.log'));
    expect(lines).toHaveLength(2000);
    expect(lines[1999]).toMatchObject({ i: 1999, component: 'Connector' });
    await closeLogger(child);
    await closeLogger(logger);
  });
});

describe('createLogger console output', () => {
  it('prints readable single lines, not JSON, when the output is not a TTY', async () => {
    const { output, text } = capture();
    const at = new Date(2026, 10, 21, 15, 20, 1, 123).getTime();
    const logger = createLogger({ logsDir: null, console: true, pretty: true, now: () => at, consoleOutput: output });
    componentLogger(logger, 'Host[localhost]').info('Deploying web application [/shop]');
    logCoded(logger, 'error', new ContainerError('SV_ERR_STARTUP_BIND', { address: '0.0.0.0', port: 8080, detail: 'EADDRINUSE' }));
    await closeLogger(logger);

    const lines = text().split('\n');
    expect(lines[0]).toBe('2026-11-21 15:20:01.123 INFO  [Host[localhost]] Deploying web application [/shop]');
    expect(lines[1]).toBe('2026-11-21 15:20:01.123 ERROR Failed to bind [0.0.0.0:8080]: EADDRINUSE (SV_ERR_STARTUP_BIND)');
    expect(lines[2]).toBe('ContainerError: Failed to bind [0.0.0.0:8080]: EADDRINUSE');
    expect(lines[3]).toMatch(/^\s+at /);
    expect(text()).not.toContain('\x1b[');
    expect(text()).not.toContain('{"level"');
  });

  it('uses colours only when pretty and the output is a TTY', async () => {
    vi.stubEnv('SERVAL_LOG_LEVEL', '');
    vi.stubEnv('NO_COLOR', undefined);
    const tty = capture(true);
    const colourful = createLogger({ logsDir: null, console: true, pretty: true, consoleOutput: tty.output });
    colourful.warn('careful');
    await closeLogger(colourful);
    expect(tty.text()).toContain('\x1b[33mWARN \x1b[0m');

    const plain = capture(true);
    const uncoloured = createLogger({ logsDir: null, console: true, pretty: false, consoleOutput: plain.output });
    uncoloured.warn('careful');
    await closeLogger(uncoloured);
    expect(plain.text()).not.toContain('\x1b[');
    expect(plain.text()).toMatch(/ WARN  careful\n$/);

    vi.stubEnv('NO_COLOR', '1');
    const noColour = capture(true);
    const respectful = createLogger({ logsDir: null, console: true, pretty: true, consoleOutput: noColour.output });
    respectful.warn('careful');
    await closeLogger(respectful);
    expect(noColour.text()).not.toContain('\x1b[');
  });

  it('writes to both file and console when both are enabled', async () => {
    const { output, text } = capture();
    const now = (): number => new Date(2026, 6, 7, 8).getTime();
    const logger = createLogger({ logsDir: dir, console: true, consoleOutput: output, now });
    logger.info('both');
    await closeLogger(logger);
    expect(text()).toMatch(/INFO  both\n$/);
    expect(await readJsonLines(path.join(dir, 'catalina.2026-07-07.log'))).toEqual([expect.objectContaining({ msg: 'both' })]);
  });
});

describe('logCoded', () => {
  it('renders the catalogue message with the code and extra fields, and carries err for errors', async () => {
    const now = (): number => new Date(2026, 1, 3).getTime();
    const logger = createLogger({ logsDir: dir, console: false, now });
    logCoded(logger, 'info', { code: 'SV_ERR_HTTP_TOO_MANY_HEADERS', params: { count: 101, limit: 100 } }, { remote: '10.0.0.1' });
    const cause = new Error('socket gone');
    logCoded(logger, 'error', new ContainerError('SV_ERR_SERVLET_EXCEPTION', { servlet: 'hello', context: '/app' }, { cause }));
    logCoded(logger, 'debug', { code: 'SV_ERR_URI_INVALID', params: { uri: '/x', reason: 'an invalid %-escape', value: '%zz' } }); // below info: dropped
    await closeLogger(logger);
    const lines = await readJsonLines(path.join(dir, 'catalina.2026-02-03.log'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 30,
      code: 'SV_ERR_HTTP_TOO_MANY_HEADERS',
      msg: 'Request has [101] headers, more than maxHeaderCount [100]',
      remote: '10.0.0.1',
    });
    expect(lines[0]).not.toHaveProperty('err');
    expect(lines[1]).toMatchObject({
      level: 50,
      code: 'SV_ERR_SERVLET_EXCEPTION',
      msg: 'Servlet.service() for servlet [hello] in context [/app] threw an exception',
    });
    const err = lines[1]!.err as Record<string, unknown>;
    expect(err.type).toBe('ContainerError');
    expect(err.stack).toContain('socket gone');
  });
});
