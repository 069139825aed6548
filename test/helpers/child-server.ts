/**
 * Starts the real server (bin/catalina run) as a child process from a temporary CATALINA_BASE, so that a crash
 * or an uncaught error in the server shows up as a dead child instead of failing the test runner's own process.
 * Listens on 127.0.0.1 only; port 0 is resolved from the startup summary the server prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { testServerXml } from './test-server-xml.js';

export const REPO_ROOT = resolve(__dirname, '..', '..');
const CATALINA_BIN = join(REPO_ROOT, 'bin', 'catalina');

export interface ChildServerOptions {
  /** Absolute appBase of the Host (default: the repository's webapps/). */
  appBase?: string;
  /** Extra attributes for the Connector element, e.g. `connectionTimeout="2000"`. */
  connectorAttributes?: string;
  /** Extra XML inside the Host element (valves, contexts). */
  hostContent?: string;
  /** Extra XML inside the Engine element. */
  engineContent?: string;
  /** Extra XML inside the Server element, before the Service (listeners). */
  serverContent?: string;
  /** Replaces the whole generated server.xml. */
  serverXml?: string;
  /** Extra files to write into CATALINA_BASE before starting (relative path → content). */
  files?: Readonly<Record<string, string>>;
  /** Extra environment for the child (CATALINA_* of the parent are never inherited). */
  env?: Readonly<Record<string, string>>;
  /** How long startup may take before it counts as failed (default 30 s). */
  startTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
  /** `bin/catalina run -security`, run as the shell script it is (which execs node with the permission flags). */
  security?: boolean;
}

export interface ChildLogRecord {
  level: number;
  msg: string;
  code?: string;
  [key: string]: unknown;
}

export interface ChildServer {
  /** The first connector's port. */
  readonly port: number;
  /** Every connector's port, in startup-summary order. */
  readonly ports: readonly number[];
  readonly base: string;
  readonly pid: number;
  /** True until the child process exits. */
  alive(): boolean;
  /** The child's exit code once it exited normally; null while alive or when killed by a signal. */
  readonly exitCode: number | null;
  /** The signal that ended the child, if any. */
  readonly signalCode: NodeJS.Signals | null;
  /** stdout and stderr so far, interleaved as received. */
  output(): string;
  /** The JSON lines of logs/catalina.*.log so far (a partly written last line is skipped). */
  logRecords(): ChildLogRecord[];
  /** Resolves true once the child has exited, false if it still runs after timeoutMs. */
  waitForExit(timeoutMs: number): Promise<boolean>;
  /** SIGTERM, then SIGKILL after a bound; resolves once the child exited and the temp base is removed. */
  stop(): Promise<void>;
}

const STARTED_MARKER = '(SV_MSG_STARTUP_STARTED)';
/** A line of the startup summary: `  Connector  name: HTTP/1.1 (event-loop) on 127.0.0.1:PORT [STARTED]`. */
const CONNECTOR_LINE = /^ {2}Connector {2}.* on (.+):(\d+) \[(\w+)\]\s*$/gm;

function defaultServerXml(options: ChildServerOptions): string {
  return testServerXml(options);
}

function prepareBase(options: ChildServerOptions): string {
  const base = mkdtempSync(join(tmpdir(), 'serval-child-'));
  mkdirSync(join(base, 'conf'), { recursive: true });
  mkdirSync(join(base, 'logs'), { recursive: true });
  cpSync(join(REPO_ROOT, 'conf', 'web.xml'), join(base, 'conf', 'web.xml'));
  if (existsSync(join(REPO_ROOT, 'conf', 'context.xml'))) {
    cpSync(join(REPO_ROOT, 'conf', 'context.xml'), join(base, 'conf', 'context.xml'));
  }
  writeFileSync(join(base, 'conf', 'server.xml'), options.serverXml ?? defaultServerXml(options));
  for (const [relative, content] of Object.entries(options.files ?? {})) {
    const target = join(base, relative);
    mkdirSync(resolve(target, '..'), { recursive: true });
    writeFileSync(target, content);
  }
  return base;
}

function readLogRecords(base: string): ChildLogRecord[] {
  const dir = join(base, 'logs');
  if (!existsSync(dir)) return [];
  const records: ChildLogRecord[] = [];
  const files = readdirSync(dir)
    .filter((name) => /^catalina\..*\.log$/.test(name))
    .sort();
  for (const name of files) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line) as ChildLogRecord);
      } catch {
        // The logger may be in the middle of writing this line.
      }
    }
  }
  return records;
}

function childEnv(base: string, extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // The parent's CATALINA_* (a developer's shell) must not redirect the child's base, pid file or output.
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('CATALINA_')) env[key] = value;
  return { ...env, ...extra, CATALINA_BASE: base, CATALINA_HOME: REPO_ROOT };
}

/** Resolves once the child has exited (immediately if it already has), or false after timeoutMs. */
function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolveExit(false);
    }, timeoutMs);
    function onExit(): void {
      clearTimeout(timer);
      resolveExit(true);
    }
    child.once('exit', onExit);
  });
}

export async function startChildServer(options: ChildServerOptions = {}): Promise<ChildServer> {
  const base = prepareBase(options);
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  let output = '';
  let stdout = '';
  let child: ChildProcess;
  try {
    const [command, args] = options.security === true ? [CATALINA_BIN, ['run', '-security']] : [process.execPath, [CATALINA_BIN, 'run']];
    child = spawn(command, args, {
      cwd: base,
      env: childEnv(base, options.env ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    rmSync(base, { recursive: true, force: true });
    throw error;
  }
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  // Kept for the child's whole life, so output() can show what a crash printed.
  child.stdout!.on('data', (text: string) => {
    stdout += text;
    output += text;
  });
  child.stderr!.on('data', (text: string) => {
    output += text;
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, stopTimeoutMs))) {
          child.kill('SIGKILL');
          await waitForExit(child, stopTimeoutMs);
        }
      }
      rmSync(base, { recursive: true, force: true });
    })());

  let ports: number[];
  try {
    ports = await new Promise<number[]>((resolveStart, rejectStart) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        child.stdout!.off('data', onOutput);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      const fail = (why: string): void => {
        cleanup();
        rejectStart(new Error(`${why}\n--- child output ---\n${output}`));
      };
      const onOutput = (): void => {
        if (!stdout.includes(STARTED_MARKER)) return;
        const found = [...stdout.matchAll(CONNECTOR_LINE)];
        const notStarted = found.filter((match) => match[3] !== 'STARTED');
        if (found.length === 0 || notStarted.length > 0) {
          fail('the server started, but its startup summary shows no started connector');
          return;
        }
        cleanup();
        resolveStart(found.map((match) => Number(match[2])));
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
        fail(`the server exited during startup (code ${code}, signal ${signal})`);
      const onError = (error: Error): void => fail(`the server could not be spawned: ${error.message}`);
      const timer = setTimeout(() => fail(`the server did not report ${STARTED_MARKER} within ${startTimeoutMs} ms`), startTimeoutMs);
      // Registered after the stream's own listener, so `stdout` already holds the chunk that woke us.
      child.stdout!.on('data', onOutput);
      child.once('exit', onExit);
      child.once('error', onError);
      onOutput();
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    port: ports[0]!,
    ports,
    base,
    pid: child.pid!,
    alive: () => child.exitCode === null && child.signalCode === null,
    get exitCode() {
      return child.exitCode;
    },
    get signalCode() {
      return child.signalCode;
    },
    output: () => output,
    waitForExit: (timeoutMs) => waitForExit(child, timeoutMs),
    logRecords: () => readLogRecords(base),
    stop,
  };
}

/** Polls the child's log until a record matches (the file is written asynchronously); fails after `boundMs`. */
export async function waitForLogRecord(
  server: ChildServer,
  matches: (record: ChildLogRecord) => boolean,
  boundMs: number,
): Promise<ChildLogRecord> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const found = server.logRecords().find(matches);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no matching log record within ${boundMs} ms\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
