/**
 * Starts the real container on 127.0.0.1 port 0 from a temporary CATALINA_BASE: a generated server.xml,
 * the repository's conf/web.xml, and an appBase that points at the webapps under test. Logs are captured
 * in memory so tests can assert on them.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Catalina } from '../../src/startup/catalina.js';
import type { ContainerClock } from '../../src/time/container-clock.js';
import { testServerXml } from './test-server-xml.js';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface TestServerOptions {
  /** Absolute appBase (default: the repository's webapps/). */
  appBase?: string;
  /** Extra attributes for the Connector element, e.g. `maxKeepAliveRequests="3"`. */
  connectorAttributes?: string;
  /** XML inside the Connector element (an SSLHostConfig). */
  connectorContent?: string;
  /** Extra XML inside the Host element (valves, contexts). */
  hostContent?: string;
  /** Extra XML inside the Engine element. */
  engineContent?: string;
  /** Engine attributes such as `jvmRoute="node1"`. */
  engineAttributes?: string;
  /** Extra XML inside the Server element, before the Service (listeners). */
  serverContent?: string;
  /** Replace the whole server.xml; `${port}` placeholders are not expanded. */
  serverXml?: string;
  /** Files written under the temporary CATALINA_BASE before the server starts: relative path → content. */
  files?: Readonly<Record<string, string>>;
  /** The Server's clock: a ManualClock lets the test cause timeouts (src/time/manual-clock.ts); the system clock by default. */
  clock?: ContainerClock;
}

export interface LogRecord {
  level: number;
  msg: string;
  code?: string;
  err?: { message: string; stack?: string; type?: string };
  [key: string]: unknown;
}

export interface TestServer {
  readonly catalina: Catalina;
  readonly port: number;
  readonly base: string;
  readonly url: string;
  readonly logs: LogRecord[];
  /** The clock the Server runs on (the ManualClock the test passed, or the system clock). */
  readonly clock: ContainerClock;
  close(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const base = mkdtempSync(join(tmpdir(), 'serval-test-'));
  mkdirSync(join(base, 'conf'), { recursive: true });
  mkdirSync(join(base, 'logs'), { recursive: true });
  cpSync(join(REPO_ROOT, 'conf', 'web.xml'), join(base, 'conf', 'web.xml'));
  if (existsSync(join(REPO_ROOT, 'conf', 'context.xml'))) {
    cpSync(join(REPO_ROOT, 'conf', 'context.xml'), join(base, 'conf', 'context.xml'));
  }
  const serverXml = options.serverXml ?? testServerXml(options);
  writeFileSync(join(base, 'conf', 'server.xml'), serverXml);
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), content);
  }
  const logs: LogRecord[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as LogRecord);
      callback();
    },
  });
  const logger = pino({ level: process.env.SERVAL_TEST_LOG_LEVEL ?? 'debug' }, sink);
  const catalina = new Catalina({
    catalinaHome: REPO_ROOT,
    catalinaBase: base,
    configFile: join(base, 'conf', 'server.xml'),
    console: false,
    logger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  await catalina.load();
  await catalina.start();
  const connector = catalina.server.services[0]!.connectors[0]!;
  const port = connector.localPort;
  return {
    catalina,
    port,
    base,
    url: `http://127.0.0.1:${port}`,
    logs,
    clock: catalina.server.clock,
    async close() {
      await catalina.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
