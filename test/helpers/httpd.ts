/**
 * Runs Apache httpd as a front end for tests: a private config in a temporary folder (mod_proxy_ajp or mod_jk in
 * front of an AJP connector, mod_proxy_http in front of an HTTP one), started in the foreground, awaited until it answers, stopped by its PID (peers.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const APACHE_BINARY = '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';

export type HttpdFrontEnd = 'proxy-ajp' | 'mod-jk' | 'proxy-http';

export interface HttpdOptions {
  readonly frontEnd: HttpdFrontEnd;
  /** The container port httpd forwards to (AJP, or HTTP for proxy-http). */
  readonly backendPort: number;
  /** The AJP secret httpd sends; undefined = none. */
  readonly secret?: string;
  /** mod_proxy_ajp: send CPING before each request (`ping=1`). */
  readonly ping?: boolean;
  /**
   * mod_jk: the workers.properties lines instead of the single worker node1, and the worker `/*` is mounted on
   * (a load balancer over several members, e.g. with `worker.node1.activation=D`).
   */
  readonly jkWorkers?: { readonly lines: readonly string[]; readonly mount: string };
  /**
   * Request headers httpd sets on what it forwards (mod_headers `RequestHeader set`), e.g. `X-Forwarded-Proto: https`
   * for a front end that terminates TLS; a value is written as httpd reads it (`%{VAR}s` expands).
   */
  readonly requestHeaders?: Readonly<Record<string, string>>;
  /** Lines appended to the generated httpd.conf (extra modules, <Location> blocks, SetEnv…). */
  readonly extraConfig?: readonly string[];
}

export interface Httpd {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  readonly pid: number;
  /** httpd's error log so far (and mod_jk's own log for mod-jk). */
  logs(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function config(dir: string, port: number, options: HttpdOptions): string {
  const lines = [
    `ServerRoot "${dir}"`,
    `DefaultRuntimeDir "${dir}/run"`,
    `PidFile "${dir}/run/httpd.pid"`,
    `Mutex file:${dir}/run default`,
    `LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so`,
    `LoadModule authz_core_module ${MODULES}/mod_authz_core.so`,
    'User nobody',
    'Group nogroup',
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${port}`,
    `ErrorLog "${dir}/error.log"`,
    'LogLevel warn',
    'StartServers 1',
    'ServerLimit 2',
    'ThreadsPerChild 25',
    'MaxRequestWorkers 50',
    'MinSpareThreads 1',
    'MaxSpareThreads 50',
    'KeepAlive On',
    'MaxKeepAliveRequests 1000',
    // Bodies of several MB pass through; the default LimitRequestBody is 1 GiB in 2.4.54+, fine.
  ];
  const secret = options.secret === undefined ? '' : ` secret=${options.secret}`;
  if (options.frontEnd === 'proxy-ajp' || options.frontEnd === 'proxy-http') {
    lines.push(`LoadModule proxy_module ${MODULES}/mod_proxy.so`);
    if (options.frontEnd === 'proxy-ajp') {
      lines.push(`LoadModule proxy_ajp_module ${MODULES}/mod_proxy_ajp.so`);
      const ping = options.ping === true ? ' ping=1' : '';
      lines.push('ProxyRequests Off');
      lines.push(`ProxyPass / ajp://127.0.0.1:${options.backendPort}/${secret}${ping} retry=0`);
      lines.push(`ProxyPassReverse / ajp://127.0.0.1:${options.backendPort}/`);
    } else {
      lines.push(`LoadModule proxy_http_module ${MODULES}/mod_proxy_http.so`);
      lines.push('ProxyRequests Off');
      lines.push('ProxyPreserveHost On');
      lines.push(`ProxyPass / http://127.0.0.1:${options.backendPort}/ retry=0`);
      lines.push(`ProxyPassReverse / http://127.0.0.1:${options.backendPort}/`);
    }
  } else {
    lines.push(`LoadModule jk_module ${MODULES}/mod_jk.so`);
    lines.push(`JkWorkersFile ${dir}/workers.properties`);
    lines.push(`JkShmFile ${dir}/run/jk-runtime-status`);
    lines.push(`JkLogFile ${dir}/mod_jk.log`);
    lines.push('JkLogLevel info');
    lines.push(`JkMount /* ${options.jkWorkers?.mount ?? 'node1'}`);
    const workers = [
      'worker.list=node1',
      'worker.node1.type=ajp13',
      'worker.node1.host=127.0.0.1',
      `worker.node1.port=${options.backendPort}`,
      // A refused request must not put the worker in error state for the next test.
      'worker.node1.recovery_options=0',
    ];
    if (options.secret !== undefined) workers.push(`worker.node1.secret=${options.secret}`);
    const workerLines = options.jkWorkers?.lines ?? workers;
    writeFileSync(join(dir, 'workers.properties'), `${workerLines.join('\n')}\n`);
  }
  const requestHeaders = Object.entries(options.requestHeaders ?? {});
  if (requestHeaders.length > 0) {
    lines.push(`LoadModule headers_module ${MODULES}/mod_headers.so`);
    for (const [name, value] of requestHeaders) lines.push(`RequestHeader set ${name} "${value}"`);
  }
  lines.push(...(options.extraConfig ?? []));
  return `${lines.join('\n')}\n`;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startHttpd(options: HttpdOptions): Promise<Httpd> {
  if (!existsSync(APACHE_BINARY)) {
    throw new Error(
      `Apache httpd is not installed (${APACHE_BINARY} is missing): run \`apt-get install -y apache2 libapache2-mod-jk\` (see .ci/run)`,
    );
  }
  if (options.frontEnd === 'mod-jk' && !existsSync(join(MODULES, 'mod_jk.so'))) {
    throw new Error(`mod_jk is not installed (${MODULES}/mod_jk.so is missing): run \`apt-get install -y libapache2-mod-jk\``);
  }
  const dir = mkdtempSync(join(tmpdir(), 'serval-httpd-'));
  mkdirSync(join(dir, 'run'));
  const port = await freePort();
  const file = join(dir, 'httpd.conf');
  writeFileSync(file, config(dir, port, options));
  const child = spawn(APACHE_BINARY, ['-f', file, '-DFOREGROUND'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const readLog = (name: string): string => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');

  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGTERM');
      if (!(await waitExit(child, 5000))) {
        process.kill(child.pid, 'SIGKILL');
        await waitExit(child, 2000);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const detail = `${output}${readLog('error.log')}`;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`httpd exited during startup (${String(child.exitCode ?? child.signalCode)}): ${detail}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`httpd did not answer on port ${port} within 10 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    dir,
    pid: child.pid as number,
    logs: () => `${readLog('error.log')}${readLog('mod_jk.log')}${output}`,
    stop,
  };
}
