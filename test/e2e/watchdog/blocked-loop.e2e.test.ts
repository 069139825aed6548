/**
 * Issue #18, "Know what happened to a stuck server": an app whose servlet never returns (`for (;;) {}`) holds the
 * event loop for good. The watchdog thread logs the blocked loop naming the app and the request, and the real
 * `bin/catalina stop` still stops the server: the watchdog serves the shutdown port, and ends the process once
 * stopTimeoutMs has passed without an exit. The server runs as a child process (test/helpers/child-server.ts).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, startChildServer, type ChildLogRecord, type ChildServer, waitForLogRecord } from '../../helpers/child-server.js';

const APP_BASE = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'watchdog');
const BIN = join(REPO_ROOT, 'bin', 'catalina');
/** How long a log line may take to reach the file (the logger writes asynchronously). */
const LOG_BOUND_MS = 15_000;
const STOP_TIMEOUT_MS = 1500;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `blockedMs` small for the test that blocks the loop; the default (5 s) where a slow machine must not look blocked. */
function serverXml(shutdownPort: number, blockedMs?: number): string {
  const threshold = blockedMs === undefined ? '' : `loopBlockedThresholdMs="${blockedMs}"`;
  return `<?xml version="1.0"?>
<Server port="${shutdownPort}" address="127.0.0.1" shutdown="SHUTDOWN" ${threshold} stopTimeoutMs="${STOP_TIMEOUT_MS}">
  <Service name="Catalina">
    <Connector port="0" address="127.0.0.1" protocol="HTTP/1.1"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="${APP_BASE}" autoDeploy="false"/>
    </Engine>
  </Service>
</Server>
`;
}

function logRecord(server: ChildServer, matches: (record: ChildLogRecord) => boolean): Promise<ChildLogRecord> {
  return waitForLogRecord(server, matches, LOG_BOUND_MS);
}

/** Runs the real bin/catalina with the child's CATALINA_BASE; resolves with its exit code and output. */
function catalina(args: readonly string[], base: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('CATALINA_')) env[key] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, CATALINA_BASE: base } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString('utf8')));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the watchdog thread', () => {
  let server: ChildServer | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('logs a loop held by a servlet with its app and request; catalina stop ends the process within stopTimeoutMs', async () => {
    const started = await startChildServer({ serverXml: serverXml(await freePort(), 300) });
    server = started;
    const url = `http://127.0.0.1:${started.port}`;
    expect(await (await fetch(`${url}/spin/ping`)).text()).toBe('pong');

    // The request never gets an answer: the loop that would write it is held by the servlet.
    const held = fetch(`${url}/spin/spin`).catch(() => 'no answer');
    const blocked = await logRecord(started, (record) => record.code === 'SV_ERR_WATCHDOG_LOOP_BLOCKED');
    expect(blocked['webapp']).toBe('spin');
    expect(blocked['uri']).toBe('GET /spin/spin');
    expect(blocked.msg).toContain('web application [spin], request [GET /spin/spin]');
    // The inspector paused the held loop for a moment: its innermost frame is the servlet's endless loop.
    const stack = await logRecord(started, (record) => record.code === 'SV_MSG_WATCHDOG_MAIN_STACK');
    const frames = stack['stack'] as string[];
    expect(frames[0]).toMatch(/^doGet \(.*spin\.js:\d+:\d+\)$/);
    expect(started.alive()).toBe(true);

    const stopped = await catalina(['stop'], started.base);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain('Shutdown command sent');
    expect(stopped.stdout).toContain('Serval stopped.');
    // stop reported success only once the process had gone: it was ended by the watchdog, by SIGKILL.
    expect(await started.waitForExit(LOG_BOUND_MS)).toBe(true);
    expect(started.signalCode).toBe('SIGKILL');
    const records = started.logRecords();
    expect(records.some((record) => record.code === 'SV_MSG_WATCHDOG_SHUTDOWN_COMMAND')).toBe(true);
    const killed = records.find((record) => record.code === 'SV_ERR_WATCHDOG_STOP_TIMEOUT');
    expect(killed?.msg).toContain(`[${STOP_TIMEOUT_MS}] ms (Server stopTimeoutMs) after the shutdown command`);
    expect(await held).toBe('no answer');
  });

  it('a loop that is not blocked is never reported, and catalina stop stops the server gracefully (exit 0)', async () => {
    const started = await startChildServer({ serverXml: serverXml(await freePort()) });
    server = started;
    const url = `http://127.0.0.1:${started.port}`;
    for (let i = 0; i < 20; i++) expect((await fetch(`${url}/spin/ping`)).status).toBe(200);

    const stopped = await catalina(['stop'], started.base);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain('Serval stopped.');
    expect(await started.waitForExit(LOG_BOUND_MS)).toBe(true);
    expect(started.exitCode).toBe(0);
    const codes = started.logRecords().map((record) => record.code);
    expect(codes).toContain('SV_MSG_STARTUP_STOPPED');
    expect(codes).not.toContain('SV_ERR_WATCHDOG_LOOP_BLOCKED');
    expect(codes).not.toContain('SV_ERR_WATCHDOG_LOOP_BLOCKED_UNKNOWN');
    expect(codes).not.toContain('SV_ERR_WATCHDOG_STOP_TIMEOUT');
  });
});
