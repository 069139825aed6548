/**
 * Throwaway PKI for TLS tests, made with the `openssl` command into a temporary directory: a CA, server
 * certificates for localhost and another SNI name, a client certificate, and a client from an untrusted CA.
 * EC P-256 keys keep generation fast.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pki {
  readonly dir: string;
  /** PEM file paths. */
  readonly caCert: string;
  readonly localhostCert: string;
  readonly localhostKey: string;
  readonly otherCert: string;
  /** Encrypted with `otherKeyPassword`. */
  readonly otherKey: string;
  readonly otherKeyPassword: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly strangerCert: string;
  readonly strangerKey: string;
  /** Reads a PEM file of this PKI. */
  read(file: string): Buffer;
  /** Issues another server certificate for `cn` from the same CA (e.g. to prove a reload). */
  issueServer(name: string, cn: string): { cert: string; key: string };
  remove(): void;
}

function openssl(dir: string, args: readonly string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error('The TLS tests need the `openssl` command (apt-get install openssl); it was not found on PATH');
    }
    throw new Error(`openssl ${args.join(' ')} failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`);
  }
}

export function createPki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'serval-pki-'));
  const ecKey = (name: string): void => openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', name]);
  const selfSignedCa = (name: string, cn: string): void => {
    ecKey(`${name}.key`);
    openssl(dir, [
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-subj',
      `/CN=${cn}`,
      '-days',
      '2',
      '-out',
      `${name}.pem`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  };
  const issue = (name: string, cn: string, ca: string, extensions: string): void => {
    ecKey(`${name}.key`);
    openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`]);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
  };
  const server = (dns: string): string =>
    `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${dns},IP:127.0.0.1\n`;
  const client = 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n';

  selfSignedCa('ca', 'Serval Test CA');
  issue('localhost', 'localhost', 'ca', server('localhost'));
  issue('other', 'other.test', 'ca', server('other.test'));
  const otherKeyPassword = 'changeit';
  openssl(dir, ['pkey', '-in', 'other.key', '-aes256', '-passout', `pass:${otherKeyPassword}`, '-out', 'other-encrypted.key']);
  issue('client', 'Test Client', 'ca', client);
  selfSignedCa('stranger-ca', 'Untrusted CA');
  issue('stranger', 'Stranger', 'stranger-ca', client);

  const file = (name: string): string => join(dir, name);
  return {
    dir,
    caCert: file('ca.pem'),
    localhostCert: file('localhost.pem'),
    localhostKey: file('localhost.key'),
    otherCert: file('other.pem'),
    otherKey: file('other-encrypted.key'),
    otherKeyPassword,
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
    strangerCert: file('stranger.pem'),
    strangerKey: file('stranger.key'),
    read: (path) => readFileSync(path),
    issueServer(name, cn) {
      issue(name, cn, 'ca', server('localhost'));
      return { cert: file(`${name}.pem`), key: file(`${name}.key`) };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
