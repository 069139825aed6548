/**
 * A private PostgreSQL server for tests (peers.md): Debian's postgresql-15 binaries, a cluster initialised in
 * a temporary folder, listening on 127.0.0.1 at a private port and on a unix socket in that folder, fsync
 * off. Local (socket) connections are trusted; TCP ones need the password (scram-sha-256), so a test can also
 * see a login refused. initdb refuses to run as root: as root the binaries run as user `postgres`, with the
 * folder owned by it. stop() and start() reuse the same folder and port, for outage tests.
 */
import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';
/** The superuser's password over TCP. */
export const POSTGRES_PASSWORD = 'serval-test-password';

export interface PostgresServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The directory of the unix socket (`<socketDir>/.s.PGSQL.<port>`). */
  readonly socketDir: string;
  readonly user: 'postgres';
  readonly password: string;
  readonly database: 'postgres';
  /** Runs SQL as the superuser over the unix socket. */
  sql(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  /** Stops the server at once (`pg_ctl stop -m immediate`): connections are cut as in a crash. */
  stop(): Promise<void>;
  /** Starts it again on the same folder and port. */
  start(): Promise<void>;
  /** Stops it if running and deletes its folder. */
  destroy(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PostgresServer> {
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'serval-pg-'));
  const data = join(dir, 'data');
  const socketDir = join(dir, 'sock');
  mkdirSync(socketDir);
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${POSTGRES_PASSWORD}\n`);
  if (asRoot) {
    const { uid, gid } = postgresUser();
    for (const path of [dir, socketDir, pwfile]) chownSync(path, uid, gid);
  }
  const bin = (name: string, args: string[]): Promise<unknown> =>
    asRoot ? run('/usr/sbin/runuser', ['-u', 'postgres', '--', join(POSTGRES_BIN, name), ...args]) : run(join(POSTGRES_BIN, name), args);

  await bin('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    `--pwfile=${pwfile}`,
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  const port = await freePort();
  const serverOptions = `-c listen_addresses=127.0.0.1 -c unix_socket_directories=${socketDir} -p ${port} -c fsync=off -c full_page_writes=off`;
  let running = false;
  const start = async (): Promise<void> => {
    await bin('pg_ctl', ['-D', data, '-o', serverOptions, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    running = true;
  };
  const stop = async (): Promise<void> => {
    if (!running) return;
    // The postmaster PID is line 1 of postmaster.pid; pg_ctl signals it and waits until it is gone.
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    await bin('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    running = false;
    if (Number.isInteger(pid) && isAlive(pid)) throw new Error(`postmaster ${pid} still running after pg_ctl stop`);
  };
  await start();

  const sql = async (text: string, values?: unknown[]): Promise<pg.QueryResult> => {
    const client = new pg.Client({ host: socketDir, port, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      return await client.query(text, values);
    } finally {
      await client.end();
    }
  };
  return {
    host: '127.0.0.1',
    port,
    socketDir,
    user: 'postgres',
    password: POSTGRES_PASSWORD,
    database: 'postgres',
    sql,
    stop,
    start,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether the process runs; a zombie (exited, not yet reaped by a PID 1 that does not reap) does not. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (line === undefined) throw new Error('user postgres does not exist: install postgresql-15');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Tomcat's realm how-to schema, plus what the tests log in with. */
export const TOMCAT_USERS_SCHEMA = `
  CREATE TABLE users (user_name varchar(64) NOT NULL PRIMARY KEY, user_pass varchar(256) NOT NULL);
  CREATE TABLE user_roles (user_name varchar(64) NOT NULL, role_name varchar(64) NOT NULL, PRIMARY KEY (user_name, role_name));
`;
