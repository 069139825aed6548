/**
 * A real Apache Tomcat 10.1 (Debian's tomcat10 package, installed by .ci/run) for differential tests: one process
 * per test file, from a private CATALINA_BASE in a temporary directory (never the system service), on a free
 * loopback port. Servlets are compiled with javac into the webapps when the test starts; no class file is
 * committed. Readiness is the HTTP port answering; stop ends the whole process group.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const TOMCAT_HOME = process.env.SERVAL_TOMCAT_HOME ?? '/usr/share/tomcat10';
const TOMCAT_CONF = process.env.SERVAL_TOMCAT_CONF ?? '/etc/tomcat10';
const SERVLET_API = join(TOMCAT_HOME, 'lib', 'servlet-api.jar');

export interface TomcatOptions {
  /** XML inside the Host element (Valves, Contexts). */
  readonly hostContent?: string;
  /** Webapps copied into the Host's appBase: directory name → source directory. */
  readonly webapps?: Readonly<Record<string, string>>;
  /** Java sources compiled into a webapp's WEB-INF/classes: webapp name → source files. */
  readonly servlets?: Readonly<Record<string, readonly string[]>>;
  /** Files written under CATALINA_BASE before the start: relative path → content. */
  readonly files?: Readonly<Record<string, string>>;
}

export interface TomcatServer {
  readonly port: number;
  readonly url: string;
  readonly base: string;
  /** Tomcat's console output so far (catalina.sh run). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts Tomcat and resolves once its HTTP connector answers; rejects with its output if it does not. */
export async function startTomcat(options: TomcatOptions = {}): Promise<TomcatServer> {
  if (!existsSync(join(TOMCAT_HOME, 'bin', 'catalina.sh'))) {
    throw new Error(`Tomcat 10.1 is not installed at ${TOMCAT_HOME} (apt-get install tomcat10; .ci/run does it)`);
  }
  const base = mkdtempSync(join(tmpdir(), 'serval-tomcat-'));
  for (const dir of ['conf', 'logs', 'temp', 'work', 'webapps']) mkdirSync(join(base, dir), { recursive: true });
  for (const file of ['web.xml', 'logging.properties', 'catalina.properties', 'context.xml']) {
    cpSync(join(TOMCAT_CONF, file), join(base, 'conf', file));
  }
  for (const [name, source] of Object.entries(options.webapps ?? {})) cpSync(source, join(base, 'webapps', name), { recursive: true });
  for (const [name, sources] of Object.entries(options.servlets ?? {})) {
    const classes = join(base, 'webapps', name, 'WEB-INF', 'classes');
    mkdirSync(classes, { recursive: true });
    const javac = spawnSync('javac', ['-nowarn', '-cp', SERVLET_API, '-d', classes, ...sources], { encoding: 'utf8' });
    if (javac.status !== 0) throw new Error(`javac failed: ${javac.stderr}${javac.stdout}`);
  }
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), content);
  }
  const port = await freePort();
  writeFileSync(
    join(base, 'conf', 'server.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="${port}" address="127.0.0.1" protocol="HTTP/1.1"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="false">
        ${options.hostContent ?? ''}
      </Host>
    </Engine>
  </Service>
</Server>
`,
  );
  let output = '';
  // Its own process group (detached), so stop() ends the JVM and the shell that started it together.
  const child = spawn(join(TOMCAT_HOME, 'bin', 'catalina.sh'), ['run'], {
    detached: true,
    env: { ...process.env, CATALINA_HOME: TOMCAT_HOME, CATALINA_BASE: base, CATALINA_TMPDIR: join(base, 'temp') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: TomcatServer = {
    port,
    url: `http://127.0.0.1:${port}`,
    base,
    output: () => output,
    async stop() {
      await stopGroup(child, exited);
      rmSync(base, { recursive: true, force: true });
    },
  };
  try {
    await waitForHttp(port, child, () => output);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-pid, name);
    } catch {
      // The group is gone already.
    }
  };
  signal('SIGTERM');
  const killer = setTimeout(() => signal('SIGKILL'), 15_000);
  await exited;
  clearTimeout(killer);
}

/** A port nothing listens on now (the kernel's choice), for Tomcat's connector. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Polls until Tomcat answers an HTTP request on `port` (the connector starts after the webapps are deployed), or
 * fails when the process exits or two minutes pass (a JVM on a loaded machine can take a while).
 */
async function waitForHttp(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Tomcat exited before it was ready:\n${output()}`);
    if (await answers(port)) return;
    if (Date.now() > deadline) throw new Error(`Tomcat did not answer on port ${port}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(5_000);
    let data = '';
    socket.once('connect', () => socket.write('HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'));
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.once('close', () => resolve(data.startsWith('HTTP/1.1 ')));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => socket.destroy());
  });
}

/** The text of a file under a Tomcat base (its logs), or '' when it does not exist. */
export function readTomcatFile(server: TomcatServer, path: string): string {
  const file = join(server.base, path);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
