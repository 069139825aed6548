/**
 * Runs nginx (Debian's nginx-light) as an HTTP reverse proxy for tests: a private nginx.conf in a temporary folder,
 * in the foreground (`daemon off;`), pid file and logs in that folder, listening on 127.0.0.1 on a port the test
 * picks, stopped by its PID (peers.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX_BINARY = '/usr/sbin/nginx';

export interface NginxOptions {
  /** The container's HTTP port nginx proxies to (on 127.0.0.1). */
  readonly backendPort: number;
  /** Directives added inside the proxying `location /` (proxy_set_header …). */
  readonly locationConfig?: readonly string[];
  /**
   * TLS terminated at nginx (PEM file paths): the server certificate and key, and the CA whose client certificates
   * nginx verifies (`ssl_verify_client optional`) when given.
   */
  readonly tls?: { readonly cert: string; readonly key: string; readonly clientCa?: string };
}

export interface Nginx {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  readonly pid: number;
  /** nginx's error log so far. */
  logs(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
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

function config(dir: string, port: number, options: NginxOptions): string {
  // Every path nginx writes to is inside `dir`, so that it runs beside any system nginx and leaves nothing behind.
  return `daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port}${options.tls === undefined ? '' : ' ssl'};
    server_name localhost;
    ${tlsConfig(options.tls)}
    location / {
      proxy_pass http://127.0.0.1:${options.backendPort};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      ${(options.locationConfig ?? []).join('\n      ')}
    }
  }
}
`;
}

function tlsConfig(tls: NginxOptions['tls']): string {
  if (tls === undefined) return '';
  const lines = [`ssl_certificate ${tls.cert};`, `ssl_certificate_key ${tls.key};`];
  if (tls.clientCa !== undefined) lines.push(`ssl_client_certificate ${tls.clientCa};`, 'ssl_verify_client optional;');
  return lines.join('\n    ');
}

export async function startNginx(options: NginxOptions): Promise<Nginx> {
  if (!existsSync(NGINX_BINARY)) {
    throw new Error(`nginx is not installed (${NGINX_BINARY} is missing): run \`apt-get install -y nginx-light\` (see .ci/run)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'serval-nginx-'));
  mkdirSync(join(dir, 'logs'));
  const port = await freePort();
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, config(dir, port, options));
  // -p: the prefix for relative paths (none are used); -e: the error log before the configuration is read.
  const child = spawn(NGINX_BINARY, ['-p', dir, '-e', join(dir, 'error.log'), '-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const readLog = (): string => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');

  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      // SIGQUIT: graceful shutdown of the master and its worker.
      process.kill(child.pid, 'SIGQUIT');
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
      const detail = `${output}${readLog()}`;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nginx exited during startup (${String(child.exitCode ?? child.signalCode)}): ${detail}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not answer on port ${port} within 10 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const scheme = options.tls === undefined ? 'http' : 'https';
  return { port, url: `${scheme}://127.0.0.1:${port}`, dir, pid: child.pid as number, logs: () => `${readLog()}${output}`, stop };
}
