import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../src/startup/pid-file.js';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin', 'catalina');

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment without the caller's CATALINA_* variables. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('CATALINA_')) env[key] = value;
  return { ...env, ...extra };
}

function catalina(args: readonly string[], env: Record<string, string>): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), cwd: os.tmpdir() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString('utf8')));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`catalina ${args.join(' ')} did not finish within 25 s\n${stdout}\n${stderr}`));
    }, 25_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function get(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 2000 }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    request.once('timeout', () => request.destroy(new Error('timeout')));
    request.once('error', reject);
  });
}

/** Polls until the connector answers any HTTP response; bounded to ~20 s. */
async function awaitHttp(port: number): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      return await get(port);
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`no HTTP answer on port ${port}: ${String(lastError)}`);
}

async function awaitGone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    if (!isProcessAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isProcessAlive(pid);
}

let base: string;
let httpPort: number;
let pidFile: string;
const leftovers: number[] = [];
const children: ChildProcess[] = [];

/** A CATALINA_BASE holding a copy of conf/ with free ports and an empty webapps/. */
async function makeBase(shutdownPort: number | 'free'): Promise<{ shutdownPort: number }> {
  base = mkdtempSync(path.join(os.tmpdir(), 'serval-life-'));
  cpSync(path.join(ROOT, 'conf'), path.join(base, 'conf'), { recursive: true });
  for (const dir of ['webapps', 'logs']) mkdirSync(path.join(base, dir));
  const serverPort = shutdownPort === 'free' ? await freePort() : shutdownPort;
  httpPort = await freePort();
  const file = path.join(base, 'conf', 'server.xml');
  let xml = readFileSync(file, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  xml = xml.replace(/<Server\b[^>]*>/, (tag) => tag.replace(/(\s)port="[^"]*"/, `$1port="${serverPort}"`));
  let connectors = 0;
  xml = xml.replace(/<Connector\b[^>]*>/g, (tag) => {
    connectors++;
    return tag.replace(/(\s)port="[^"]*"/, `$1port="${connectors === 1 ? httpPort : 0}"`);
  });
  expect(connectors).toBeGreaterThan(0);
  writeFileSync(file, xml);
  pidFile = path.join(base, 'serval.pid');
  return { shutdownPort: serverPort };
}

beforeAll(() => {
  for (const built of ['dist/startup/cli.js', 'dist/startup/catalina.js']) {
    if (!existsSync(path.join(ROOT, built))) {
      throw new Error(`The lifecycle e2e tests need the build: [${built}] is missing. Run \`npm run build\` first.`);
    }
  }
});

beforeEach(() => {
  leftovers.length = 0;
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of leftovers.splice(0)) {
    if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
    await awaitGone(pid, 5000);
  }
  if (base !== undefined) rmSync(base, { recursive: true, force: true });
});

function pidFrom(output: string): number {
  const match = /^PID: (\d+)$/m.exec(output);
  expect(match, output).not.toBeNull();
  const pid = Number(match?.[1]);
  leftovers.push(pid);
  return pid;
}

describe('catalina start / stop', () => {
  it('start runs the server in the background; stop shuts it down and removes the pid file', async () => {
    await makeBase('free');
    const env = { CATALINA_BASE: base, CATALINA_PID: pidFile };
    const started = await catalina(['start'], env);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain('Serval started.');
    const pid = pidFrom(started.stdout);
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(String(pid));

    expect(await awaitHttp(httpPort)).toBeGreaterThanOrEqual(100);

    const again = await catalina(['start'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Existing PID file found during start');
    expect(isProcessAlive(pid)).toBe(true);

    const stopped = await catalina(['stop'], env);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain('Shutdown command sent');
    expect(stopped.stdout).toContain('Serval stopped.');
    expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
    await expect(get(httpPort)).rejects.toThrow();
    expect(readFileSync(path.join(base, 'logs', 'catalina.out'), 'utf8').length).toBeGreaterThan(0);
  });

  it('start cleans a stale pid file', async () => {
    await makeBase('free');
    writeFileSync(pidFile, '999999999\n');
    const env = { CATALINA_BASE: base, CATALINA_PID: pidFile };
    const started = await catalina(['start'], env);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain('Removed stale PID file');
    const pid = pidFrom(started.stdout);
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(String(pid));
    await awaitHttp(httpPort);
    const stopped = await catalina(['stop', '10'], env);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(await awaitGone(pid)).toBe(true);
  });

  it('start refuses an invalid configuration before starting anything, and exits 1', async () => {
    await makeBase('free');
    const file = path.join(base, 'conf', 'server.xml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('<Connector ', '<Connector bogusAttribute="1" '));
    const started = await catalina(['start'], { CATALINA_BASE: base, CATALINA_PID: pidFile });
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('bogusAttribute');
    expect(started.stderr).toContain('Start aborted.');
    expect(existsSync(pidFile)).toBe(false);
    expect(existsSync(path.join(base, 'logs', 'catalina.out'))).toBe(false);
  });

  it('run with the HTTP port taken fails with one error naming the address and port, before any webapp code runs', async () => {
    await makeBase('free');
    // A webapp whose listener leaves a mark when it runs: it must never run.
    const app = path.join(base, 'webapps', 'marker');
    mkdirSync(path.join(app, 'WEB-INF', 'classes'), { recursive: true });
    const mark = path.join(base, 'marker-ran');
    writeFileSync(
      path.join(app, 'WEB-INF', 'classes', 'marker.js'),
      `exports.Marker = class { contextInitialized() { require('node:fs').writeFileSync(${JSON.stringify(mark)}, 'ran'); } };\n`,
    );
    writeFileSync(
      path.join(app, 'WEB-INF', 'web.xml'),
      '<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"><listener><listener-class>marker#Marker</listener-class></listener></web-app>',
    );
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(httpPort, resolve));
    try {
      const run = await catalina(['run'], { CATALINA_BASE: base });
      expect(run.code).toBe(1);
      const output = run.stdout + run.stderr;
      expect(output).toContain(`:${httpPort}]`);
      expect(output.match(/SV_ERR_STARTUP_BIND/g), output).toHaveLength(1);
      expect(output).not.toContain('Deployed web application');
      expect(existsSync(mark)).toBe(false);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('run stays in the foreground until stop sends the shutdown command, then exits 0', async () => {
    await makeBase('free');
    const env = { CATALINA_BASE: base };
    const child = spawn(process.execPath, [BIN, 'run'], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString('utf8')));
    child.stderr.on('data', (data: Buffer) => (output += data.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    expect(await awaitHttp(httpPort)).toBeGreaterThanOrEqual(100);
    const stopped = await catalina(['stop'], env);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain('Shutdown command sent');
    expect(await exited, output).toBe(0);
  });

  it('stop -force on a disabled shutdown port stops the server through CATALINA_PID', async () => {
    await makeBase(-1);
    const env = { CATALINA_BASE: base, CATALINA_PID: pidFile };
    const started = await catalina(['start'], env);
    expect(started.code, started.stderr).toBe(0);
    const pid = pidFrom(started.stdout);
    await awaitHttp(httpPort);

    const stopped = await catalina(['stop', '5', '-force'], env);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stderr).toContain('The shutdown port is disabled');
    expect(stopped.stderr).toContain(`Sending SIGTERM to process [${pid}]`);
    expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
  });
});
