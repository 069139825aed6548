/**
 * Runs a private OpenLDAP slapd for directory-realm tests (peers.md): a generated slapd.conf and LDIF in a
 * temporary folder, loaded with slapadd, served on a private 127.0.0.1 port, awaited until an anonymous
 * ldapwhoami answers, stopped by the PID in its pidfile (slapd daemonises). stop() then start() serves the
 * same data on the same port again (an outage and its recovery). Optional TLS serves StartTLS on the same
 * port with a certificate of the test PKI.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SLAPD_BINARY = '/usr/sbin/slapd';

/** One LDIF entry: its DN and attributes; values that are not plain LDIF SAFE-STRINGs are written base64. */
export interface LdifEntry {
  readonly dn: string;
  readonly attributes: Readonly<Record<string, string | readonly string[]>>;
}

export interface SlapdOptions {
  /** The naming context, e.g. `dc=example,dc=com`; the first entry of `entries` should be it. */
  readonly suffix: string;
  readonly rootPassword: string;
  readonly entries: readonly LdifEntry[];
  /** `access` lines of the mdb database, in order; default: everything readable, passwords only for bind. */
  readonly access?: readonly string[];
  /** StartTLS on the ldap:// port with this certificate and key (PEM file paths). */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string };
}

export interface Slapd {
  readonly port: number;
  readonly url: string;
  readonly rootDn: string;
  readonly dir: string;
  /** Starts again on the same port with the same data (after stop()). */
  start(): Promise<void>;
  /** Stops the daemon and waits until its process is gone; the data stays for start(). */
  stop(): Promise<void>;
  /** stop() and remove the folder. */
  remove(): Promise<void>;
  /** Total connections slapd accepted since it started (cn=Monitor), read with ldapsearch (which adds one). */
  totalConnections(): Promise<number>;
  /** Bind operations slapd received since it started (cn=Monitor); ldapsearch's own anonymous bind adds one. */
  binds(): Promise<number>;
}

const SAFE_STRING = /^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*$/;

function ldifLine(name: string, value: string): string {
  // RFC 2849: a value with a leading space, colon or '<', a trailing space, or a non-ASCII byte goes base64.
  if (value === '' || (SAFE_STRING.test(value) && !value.endsWith(' '))) return `${name}: ${value}`;
  return `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

export function toLdif(entries: readonly LdifEntry[]): string {
  return entries
    .map((entry) => {
      const lines = [ldifLine('dn', entry.dn)];
      for (const [name, values] of Object.entries(entry.attributes)) {
        for (const value of typeof values === 'string' ? [values] : values) lines.push(ldifLine(name, value));
      }
      return lines.join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

function run(file: string, args: readonly string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000 }, (error, stdout, stderr) => resolve({ ok: error === null, stdout, stderr }));
  });
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function config(dir: string, options: SlapdOptions): string {
  const access = options.access ?? ['access to attrs=userPassword by anonymous auth by self read by * none', 'access to * by * read'];
  const lines = [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((schema) => `include /etc/ldap/schema/${schema}.schema`),
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    `pidfile ${dir}/slapd.pid`,
    `argsfile ${dir}/slapd.args`,
    'loglevel none',
  ];
  if (options.tls !== undefined) {
    lines.push(
      `TLSCertificateFile ${options.tls.cert}`,
      `TLSCertificateKeyFile ${options.tls.key}`,
      `TLSCACertificateFile ${options.tls.ca}`,
    );
  }
  lines.push(
    'database mdb',
    `suffix "${options.suffix}"`,
    `rootdn "cn=admin,${options.suffix}"`,
    `rootpw ${options.rootPassword}`,
    `directory ${dir}/db`,
    'maxsize 10485760',
    ...access,
    // Connection counts for the pool tests; readable by anyone, it holds no user data.
    'database monitor',
    'access to * by * read',
  );
  return `${lines.join('\n')}\n`;
}

async function monitorCounter(url: string, dn: string, attribute: string): Promise<number> {
  const result = await run('/usr/bin/ldapsearch', ['-x', '-LLL', '-H', url, '-b', dn, '-s', 'base', attribute]);
  const match = new RegExp(`${attribute}: (\\d+)`).exec(result.stdout);
  if (match === null) throw new Error(`cn=Monitor gave no ${attribute} for ${dn}: ${result.stdout}${result.stderr}`);
  return Number(match[1]);
}

export async function startSlapd(options: SlapdOptions): Promise<Slapd> {
  if (!existsSync(SLAPD_BINARY)) {
    throw new Error(
      `OpenLDAP slapd is not installed (${SLAPD_BINARY} is missing): run \`apt-get install -y slapd ldap-utils\` (see .ci/run)`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'serval-slapd-'));
  mkdirSync(join(dir, 'db'));
  const conf = join(dir, 'slapd.conf');
  writeFileSync(conf, config(dir, options));
  writeFileSync(join(dir, 'data.ldif'), toLdif(options.entries));
  const added = await run('/usr/sbin/slapadd', ['-f', conf, '-b', options.suffix, '-l', join(dir, 'data.ldif')]);
  if (!added.ok) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`slapadd failed: ${added.stderr}`);
  }
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const pidFile = join(dir, 'slapd.pid');
  const pid = (): number | null => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : null);

  const stop = async (): Promise<void> => {
    const current = pid();
    if (current === null || !alive(current)) return;
    process.kill(current, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (alive(current)) {
      if (Date.now() > deadline) process.kill(current, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const start = async (): Promise<void> => {
    const launched = await run(SLAPD_BINARY, ['-f', conf, '-h', `${url}/`]);
    if (!launched.ok) throw new Error(`slapd did not start: ${launched.stderr}`);
    const deadline = Date.now() + 10_000;
    for (;;) {
      if ((await run('/usr/bin/ldapwhoami', ['-x', '-H', url])).ok) return;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`slapd did not answer on ${url} within 10 s`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url,
    rootDn: `cn=admin,${options.suffix}`,
    dir,
    start,
    stop,
    async remove() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    totalConnections: () => monitorCounter(url, 'cn=Total,cn=Connections,cn=Monitor', 'monitorCounter'),
    binds: () => monitorCounter(url, 'cn=Bind,cn=Operations,cn=Monitor', 'monitorOpInitiated'),
  };
}
