/**
 * Issue #18, `bin/catalina run -security`: the real shell script execs node under Node's permission model. An app
 * that reads /etc/passwd or starts a process gets a 500 for that request, logged with the permission error
 * (ERR_ACCESS_DENIED), and the server keeps serving, on both connector styles. A node started without the
 * permission flags, or with flags that do not grant what -security needs, refuses to start.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startChildServer, type ChildLogRecord, type ChildServer, waitForLogRecord } from '../../helpers/child-server.js';

const APP_BASE = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'security');
const BIN = join(REPO_ROOT, 'bin', 'catalina');
/** How long a log line may take to reach the file (the logger writes asynchronously). */
const LOG_BOUND_MS = 10_000;

const SERVER_XML = `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="0" address="127.0.0.1" protocol="HTTP/1.1"/>
    <Connector port="0" address="127.0.0.1" protocol="HTTP/1.1-blocking" maxThreads="2"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="${APP_BASE}" autoDeploy="false"/>
    </Engine>
  </Service>
</Server>
`;

function logRecord(server: ChildServer, matches: (record: ChildLogRecord) => boolean): Promise<ChildLogRecord> {
  return waitForLogRecord(server, matches, LOG_BOUND_MS);
}

describe('catalina run -security', () => {
  let server: ChildServer;

  beforeAll(async () => {
    server = await startChildServer({ serverXml: SERVER_XML, security: true });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it.each([
    ['event-loop', 0],
    ['blocking', 1],
  ])('on the %s connector, reading /etc/passwd and spawning a process are denied; the server keeps serving', async (_style, index) => {
    const url = `http://127.0.0.1:${server.ports[index]}/nosy`;
    expect(await (await fetch(`${url}/ping`)).text()).toBe('pong');
    for (const servlet of ['passwd', 'spawn']) {
      const response = await fetch(`${url}/${servlet}`);
      expect(response.status, servlet).toBe(500);
      const record = await logRecord(
        server,
        (r) =>
          r.code === 'SV_ERR_SERVLET_EXCEPTION' &&
          String(r.msg).includes(`servlet [${servlet}]`) &&
          (index === 0) === (r['workerThread'] === undefined),
      );
      const err = record['err'] as { code?: string; stack?: string };
      expect(err.code).toBe('ERR_ACCESS_DENIED');
      expect(err.stack).toContain(servlet === 'passwd' ? 'readFileSync' : 'spawnSync');
      expect(server.alive()).toBe(true);
      expect(await (await fetch(`${url}/ping`)).text()).toBe('pong');
    }
  });

  it('runs as one node process started with the permission flags (the script exec’d it)', () => {
    const args = readArgs(server.pid);
    expect(args[0]).toMatch(/node$/);
    expect(args).toContain('--experimental-permission');
    expect(args).toContain('--allow-worker');
    expect(args).toContain(`--allow-fs-read=${server.base}/*`);
    expect(args).toContain(`--allow-fs-write=${server.base}/logs/*`);
    expect(args.some((arg) => arg.startsWith('--allow-child-process') || arg.startsWith('--allow-addons'))).toBe(false);
  });
});

describe('catalina run -security refuses to start without the permissions it asked for', () => {
  let base: string;

  beforeAll(() => {
    base = mkdtempSync(join(os.tmpdir(), 'serval-security-'));
    mkdirSync(join(base, 'conf'));
    writeFileSync(join(base, 'conf', 'server.xml'), SERVER_XML);
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('node bin/catalina run -security (no permission model) exits 1 with SV_ERR_STARTUP_SECURITY_INACTIVE', async () => {
    const result = await run(process.execPath, [BIN, 'run', '-security'], base);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("-security was given but Node's permission model is not on");
  });

  it('flags that do not grant CATALINA_BASE make it exit 1 naming what is missing', async () => {
    // The container's own files are readable (node_modules wherever it links to), CATALINA_BASE is not.
    const modules = realpathSync(join(REPO_ROOT, 'node_modules'));
    const flags = ['--experimental-permission', '--allow-worker', `--allow-fs-read=${REPO_ROOT}/*`, `--allow-fs-read=${modules}/*`];
    const result = await run(process.execPath, [...flags, BIN, 'run', '-security'], base);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`fs.read of [${join(base, 'conf', 'server.xml')}] is denied, expected granted`);
  });
});

describe('catalina start -security', () => {
  let base: string;

  beforeAll(() => {
    base = mkdtempSync(join(os.tmpdir(), 'serval-security-start-'));
    mkdirSync(join(base, 'conf'));
    cpSync(join(REPO_ROOT, 'conf', 'web.xml'), join(base, 'conf', 'web.xml'));
    writeFileSync(join(base, 'conf', 'server.xml'), SERVER_XML);
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('starts the background server under the permission flags; stop ends it', async () => {
    const pidFile = join(base, 'serval.pid');
    const env = { CATALINA_PID: pidFile };
    const started = await run(BIN, ['start', '-security'], base, env);
    expect(started.code, started.stderr).toBe(0);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      const args = readArgs(pid);
      expect(args).toContain('--experimental-permission');
      expect(args).toContain(`--allow-fs-read=${base}/*`);
      expect(args.slice(-2)).toEqual(['run', '--security']);
    } finally {
      const stopped = await run(BIN, ['stop', '-force'], base, env);
      expect(stopped.code, stopped.stderr).toBe(0);
    }
  });
});

function readArgs(pid: number): string[] {
  // /proc/<pid>/cmdline: the arguments, NUL-separated.
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    .split('\0')
    .filter((arg) => arg !== '');
}

function run(
  command: string,
  args: readonly string[],
  base: string,
  extra: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('CATALINA_')) env[key] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...env, ...extra, CATALINA_BASE: base }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}
