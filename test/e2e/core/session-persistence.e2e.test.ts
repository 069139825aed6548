/**
 * StandardManager keeps sessions over a reload, and across a restart through its `pathname` file (issue #22):
 * in Serval's stored session format, with the application's SessionTypes rebuilding its classes, activation
 * listeners told, expired sessions and unstorable values left out, and a corrupt file moved aside.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Context } from '../../../src/core/context.js';
import { Catalina } from '../../../src/startup/catalina.js';
import { encodeSession, SessionTypes } from '../../../src/session/session-format.js';
import { fetchHttp } from '../../helpers/http-fetch.js';
import { sessionCookie } from '../../helpers/auth-clients.js';
import type { LogRecord } from '../../helpers/test-server.js';
import { REPO_ROOT } from '../../helpers/test-server.js';

const fixture = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'sessions', 'app');

/** One catalina.base whose server can be started, stopped and started again (a restart keeps the base). */
class Base {
  readonly dir = mkdtempSync(join(tmpdir(), 'serval-sessions-'));
  readonly logs: LogRecord[] = [];
  catalina: Catalina | null = null;
  port = 0;

  constructor(managerXml: string) {
    mkdirSync(join(this.dir, 'conf'), { recursive: true });
    mkdirSync(join(this.dir, 'logs'), { recursive: true });
    cpSync(join(REPO_ROOT, 'conf', 'web.xml'), join(this.dir, 'conf', 'web.xml'));
    cpSync(fixture, join(this.dir, 'webapps', 'app'), { recursive: true });
    mkdirSync(join(this.dir, 'webapps', 'app', 'META-INF'), { recursive: true });
    writeFileSync(join(this.dir, 'webapps', 'app', 'META-INF', 'context.xml'), `<Context>${managerXml}</Context>`);
    writeFileSync(
      join(this.dir, 'conf', 'server.xml'),
      `<Server port="-1" shutdown="SHUTDOWN"><Service name="Catalina">
  <Connector port="0" address="127.0.0.1"/>
  <Engine name="Catalina" defaultHost="localhost"><Host name="localhost" appBase="webapps" autoDeploy="false"/></Engine>
</Service></Server>`,
    );
  }

  /** Where StandardManager keeps `SESSIONS.ser` for the app: its work directory. */
  get sessionsFile(): string {
    return join(this.dir, 'work', 'Catalina', 'localhost', 'app', 'SESSIONS.ser');
  }

  async start(): Promise<void> {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        for (const line of chunk.toString('utf8').split('\n')) if (line) this.logs.push(JSON.parse(line) as LogRecord);
        callback();
      },
    });
    const catalina = new Catalina({
      catalinaHome: REPO_ROOT,
      catalinaBase: this.dir,
      configFile: join(this.dir, 'conf', 'server.xml'),
      console: false,
      logger: pino({ level: 'debug' }, sink),
    });
    await catalina.load();
    await catalina.start();
    this.catalina = catalina;
    this.port = catalina.server.services[0]!.connectors[0]!.localPort;
  }

  async stop(): Promise<void> {
    await this.catalina?.stop();
    this.catalina = null;
  }

  context(): Context {
    const host = this.catalina!.server.services[0]!.engine.findChild('localhost')!;
    const context = host.findChildren().find((child) => (child as Context).path === '/app');
    return context as Context;
  }

  async count(session?: string): Promise<{ id: string | undefined; body: Record<string, unknown> }> {
    const response = await fetchHttp(
      `http://127.0.0.1:${this.port}/app/count`,
      session === undefined ? {} : { headers: { cookie: `JSESSIONID=${session}` } },
    );
    expect(response.status).toBe(200);
    return { id: sessionCookie(response), body: JSON.parse(response.body.toString('utf8')) as Record<string, unknown> };
  }

  codes(): string[] {
    return this.logs.map((record) => record.code).filter((code): code is string => code !== undefined);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('sessions kept over a reload and across a restart (StandardManager)', () => {
  let base: Base | undefined;
  afterEach(async () => {
    await base?.dispose();
    base = undefined;
  });

  it('a reload keeps every session: values, registered classes rebuilt by the new generation, activation listeners told', async () => {
    base = new Base('<Manager pathname=""/>');
    await base.start();
    const first = await base.count();
    expect(first.body).toEqual({ n: 1, cart: 1, tracker: 'new', when: 0 });
    await base.context().reload();
    const after = await base.count(first.id);
    expect(after.id).toBeUndefined();
    expect(after.body).toEqual({ n: 2, cart: 1, tracker: 'activated', when: 0 });
    // The function attribute cannot be stored: left out, logged with its name and class.
    const notSaved = base.logs.filter((record) => record.code === 'SV_MSG_SESSION_ATTRIBUTE_NOT_SAVED');
    expect(notSaved.map((record) => record.msg)).toEqual([
      expect.stringMatching(/Attribute \[callback\] \(class \[Function\]\).*it is a function/),
    ]);
  });

  it('a restart keeps the sessions through the pathname file (default SESSIONS.ser), read once and deleted', async () => {
    base = new Base('');
    await base.start();
    const first = await base.count();
    await base.stop();
    expect(existsSync(base.sessionsFile)).toBe(true);
    await base.start();
    expect(existsSync(base.sessionsFile)).toBe(false);
    expect(base.codes()).toContain('SV_MSG_SESSIONS_RESTORED');
    expect((await base.count(first.id)).body).toMatchObject({ n: 2, cart: 1, tracker: 'activated' });
    // Restored once: a second restart carries the session as it is now, not the old file.
    await base.stop();
    await base.start();
    expect((await base.count(first.id)).body).toMatchObject({ n: 3 });
  });

  it('pathname="" : the sessions do not outlive a restart', async () => {
    base = new Base('<Manager pathname=""/>');
    await base.start();
    const first = await base.count();
    await base.stop();
    await base.start();
    const again = await base.count(first.id);
    expect(again.body).toMatchObject({ n: 1 });
    expect(again.id).not.toBe(first.id);
  });

  it('a corrupt file restores nothing, is moved aside and logged; the application starts and serves', async () => {
    base = new Base('');
    mkdirSync(join(base.sessionsFile, '..'), { recursive: true });
    writeFileSync(base.sessionsFile, '{"format":"serval-session","version":1,"id":"AB","attrib');
    await base.start();
    expect(base.codes()).toContain('SV_MSG_SESSION_FILE_UNREADABLE');
    const aside = readdirSync(join(base.sessionsFile, '..')).filter((name) => name.startsWith('SESSIONS.ser.unreadable-'));
    expect(aside).toHaveLength(1);
    expect((await base.count()).body).toMatchObject({ n: 1 });
  });

  it('a session that expired while the server was down is not restored', async () => {
    base = new Base('');
    mkdirSync(join(base.sessionsFile, '..'), { recursive: true });
    const stale = encodeSession(
      {
        id: 'A'.repeat(32),
        creationTime: 0,
        lastAccessedTime: 0,
        maxInactiveInterval: 60,
        isNew: false,
        attributes: [['n', 41]],
        notes: [],
      },
      new SessionTypes(),
    );
    writeFileSync(base.sessionsFile, `${stale}\n`);
    await base.start();
    const response = await base.count('A'.repeat(32));
    expect(response.body).toMatchObject({ n: 1 });
    expect(response.id).not.toBe('A'.repeat(32));
  });
});
