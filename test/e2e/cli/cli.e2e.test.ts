import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin', 'catalina');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs bin/catalina with a clean CATALINA_* environment plus `env`. */
function catalina(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('CATALINA_')) base[key] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, cwd: os.tmpdir() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString('utf8')));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`catalina ${args.join(' ')} did not finish within 15 s\n${stdout}\n${stderr}`));
    }, 15_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const VALID_SERVER_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="0" protocol="HTTP/1.1"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps"/>
    </Engine>
  </Service>
</Server>
`;

// Three errors on lines 4, 6 and 7; configtest must report all of them, not just the first.
const BROKEN_SERVER_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="not-a-port" protocol="HTTP/1.1"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" frobnicate="yes"/>
      <Host name="other" appBase="webapps" unpackWARs="maybe"/>
    </Engine>
  </Service>
</Server>
`;

let base: string;

function makeBase(serverXml: string, name = 'server.xml'): void {
  mkdirSync(path.join(base, 'conf'), { recursive: true });
  mkdirSync(path.join(base, 'webapps'), { recursive: true });
  writeFileSync(path.join(base, 'conf', name), serverXml);
}

beforeAll(() => {
  for (const built of ['dist/startup/cli.js', 'dist/startup/catalina.js']) {
    if (!existsSync(path.join(ROOT, built))) {
      throw new Error(`The CLI e2e tests need the build: [${built}] is missing. Run \`npm run build\` first.`);
    }
  }
  base = mkdtempSync(path.join(os.tmpdir(), 'serval-cli-'));
});

afterAll(() => {
  if (base !== undefined) rmSync(base, { recursive: true, force: true });
});

describe('bin/catalina', () => {
  it('version prints the server, Node and OS versions and the resolved directories', async () => {
    const result = await catalina(['version'], { CATALINA_BASE: base });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Server version: Serval/${VERSION}\n`);
    expect(result.stdout).toContain(`Node version:   ${process.version}\n`);
    expect(result.stdout).toContain(`OS Name:        ${os.type()}\n`);
    expect(result.stdout).toContain(`Architecture:   ${os.arch()}\n`);
    expect(result.stdout).toContain(`Using CATALINA_BASE:   ${base}\n`);
    expect(result.stdout).toContain(`Using CATALINA_HOME:   ${ROOT}\n`);
  });

  it('--help lists every command; each command has its own help', async () => {
    const help = await catalina(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['run', 'start', 'stop', 'version', 'configtest'])
      expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    expect(help.stdout).toContain('CATALINA_BASE');

    const stopHelp = await catalina(['stop', '--help']);
    expect(stopHelp.code).toBe(0);
    expect(stopHelp.stdout).toContain('Usage: catalina stop [options] [n]');
    expect(stopHelp.stdout).toContain('--force');
    expect(stopHelp.stdout).toContain('--config <file>');

    const single = await catalina(['configtest', '-help']);
    expect(single.code).toBe(0);
    expect(single.stdout).toContain('Usage: catalina configtest');
  });

  it('an unknown command or a bad stop argument exits 1 with a message', async () => {
    const unknown = await catalina(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const badWait = await catalina(['stop', 'soon']);
    expect(badWait.code).toBe(1);
    expect(badWait.stderr).toContain('[soon] is not a whole number of seconds.');
  });

  it('configtest on a valid configuration exits 0', async () => {
    makeBase(VALID_SERVER_XML);
    const result = await catalina(['configtest'], { CATALINA_BASE: base });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Configuration file [${path.join(base, 'conf', 'server.xml')}] is valid`);
  });

  it('configtest on the shipped conf/server.xml exits 0', async () => {
    const result = await catalina(['configtest']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`[${path.join(ROOT, 'conf', 'server.xml')}] is valid`);
  });

  it('configtest on a broken configuration exits 1 and lists every problem with file:line and element path', async () => {
    makeBase(BROKEN_SERVER_XML, 'broken.xml');
    for (const option of ['-config', '--config']) {
      const result = await catalina(['configtest', option, 'conf/broken.xml'], { CATALINA_BASE: base });
      expect(result.code).toBe(1);
      const lines = result.stderr.split('\n');
      const problem = (line: number, element: string, text: string): void => {
        expect(
          lines.some((l) => new RegExp(`broken\\.xml:${line}\\b`).test(l) && l.includes(element) && l.includes(text)),
          `line ${line} problem missing from:\n${result.stderr}`,
        ).toBe(true);
      };
      problem(4, 'Server/Service[0]/Connector[0]', 'not-a-port');
      problem(6, 'Server/Service[0]/Engine[0]/Host[0]', 'frobnicate');
      problem(7, 'Server/Service[0]/Engine[0]/Host[1]', 'maybe');
      expect(result.stderr).toContain('has 3 error(s)');
    }
  });

  it('configtest on a missing file exits 1 naming it', async () => {
    const result = await catalina(['configtest', '--config', path.join(base, 'nope.xml')], { CATALINA_BASE: base });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(path.join(base, 'nope.xml'));
  });

  it('stop with nothing listening on the shutdown port exits 1 and says why', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    makeBase(VALID_SERVER_XML.replace('port="-1"', `port="${port}" address="127.0.0.1"`), 'refused.xml');
    const result = await catalina(['stop', '-config', 'conf/refused.xml'], { CATALINA_BASE: base });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot reach the shutdown port [127.0.0.1:${port}]`);
    expect(result.stderr).toContain('could not be stopped');
  });

  it('stop with CATALINA_PID naming a missing file aborts with exit 1', async () => {
    makeBase(VALID_SERVER_XML);
    const pidFile = path.join(base, 'missing.pid');
    const result = await catalina(['stop'], { CATALINA_BASE: base, CATALINA_PID: pidFile });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`CATALINA_PID was set but the file [${pidFile}] does not exist`);
  });

  describe('with a process that ignores SIGTERM named by CATALINA_PID', () => {
    let stubborn: ChildProcess | undefined;
    // Every child is killed after its test: one left behind would run on after the suite.
    const spawned: ChildProcess[] = [];
    afterEach(() => {
      for (const child of spawned.splice(0)) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    });

    async function spawnStubborn(): Promise<number> {
      const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);"], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      stubborn = child;
      spawned.push(child);
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      return child.pid as number;
    }

    it('stop n without -force gives up after n seconds, exits 1 and keeps the pid file', async () => {
      makeBase(VALID_SERVER_XML);
      const pid = await spawnStubborn();
      const pidFile = path.join(base, 'stubborn.pid');
      writeFileSync(pidFile, `${pid}\n`);
      const result = await catalina(['stop', '1'], { CATALINA_BASE: base, CATALINA_PID: pidFile });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Sending SIGTERM to process [${pid}]`);
      expect(result.stderr).toContain(`did not stop within [1] s`);
      expect(existsSync(pidFile)).toBe(true);
      expect(stubborn?.exitCode).toBeNull();
      expect(stubborn?.signalCode).toBeNull();
    });

    it('stop n -force kills it with SIGKILL after n seconds and removes the pid file', async () => {
      makeBase(VALID_SERVER_XML);
      const pid = await spawnStubborn();
      const exited = new Promise<NodeJS.Signals | null>((resolve) => stubborn?.once('exit', (_code, signal) => resolve(signal)));
      const pidFile = path.join(base, 'stubborn.pid');
      writeFileSync(pidFile, `${pid}\n`);
      const result = await catalina(['stop', '1', '-force'], { CATALINA_BASE: base, CATALINA_PID: pidFile });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Killing Serval with the PID [${pid}]`);
      expect(result.stdout).toContain('The Serval process has been killed.');
      expect(await exited).toBe('SIGKILL');
      expect(existsSync(pidFile)).toBe(false);
    });
  });

  it('stop -force on a disabled shutdown port without CATALINA_PID exits 1', async () => {
    makeBase(VALID_SERVER_XML);
    const result = await catalina(['stop', '-force'], { CATALINA_BASE: base });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The shutdown port is disabled');
  });
});
