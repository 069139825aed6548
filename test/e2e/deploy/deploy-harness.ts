/**
 * Helpers for the deployment e2e tests: a server over a temporary appBase with the Host attributes under
 * test, bundles built from fixture directories, and mtimes moved into the past so a change counts as settled.
 */
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../../../src/core/host.js';
import { buildZip, collectDirectory } from '../../../src/deploy/bundle-builder.js';
import type { HostConfig } from '../../../src/deploy/host-config.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'deploy');

export interface DeployServer extends TestServer {
  readonly appBase: string;
  readonly host: Host;
  readonly deployer: HostConfig;
  get(path: string): Promise<{ status: number; body: string }>;
}

export async function startDeployServer(
  options: { hostAttributes?: string; engineAttributes?: string; prepare?: (appBase: string, base: string) => void } = {},
): Promise<DeployServer> {
  const appBase = mkdtempSync(join(tmpdir(), 'serval-appbase-'));
  options.prepare?.(appBase, '');
  const serverXml = `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="0" address="127.0.0.1" protocol="HTTP/1.1"/>
    <Engine name="Catalina" defaultHost="localhost" ${options.engineAttributes ?? ''}>
      <Host name="localhost" appBase="${appBase}" autoDeploy="true" ${options.hostAttributes ?? ''}/>
    </Engine>
  </Service>
</Server>
`;
  const server = await startTestServer({ serverXml });
  const host = server.catalina.server.services[0]!.engine.findChild('localhost') as Host;
  return {
    ...server,
    catalina: server.catalina,
    port: server.port,
    base: server.base,
    url: server.url,
    logs: server.logs,
    appBase,
    host,
    deployer: host.deployer as HostConfig,
    async get(path: string) {
      const response = await fetch(server.url + path);
      return { status: response.status, body: await response.text() };
    },
    async close() {
      await server.close();
      rmSync(appBase, { recursive: true, force: true });
    },
  };
}

/** A copy of a fixture webapp in a scratch directory, with version.js set to `version`. */
export function fixtureCopy(fixture: string, version?: string): string {
  const dir = mkdtempSync(join(tmpdir(), `serval-${fixture}-`));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  if (version !== undefined) setVersion(dir, version);
  return dir;
}

export function setVersion(appDir: string, version: string): void {
  writeFileSync(join(appDir, 'WEB-INF', 'classes', 'deploy', 'version.js'), `module.exports = ${JSON.stringify(version)};\n`);
}

/** The zip bytes of a webapp directory. */
export function bundleBytes(appDir: string): Buffer {
  return buildZip(collectDirectory(appDir));
}

let tick = 0;
/** Moves a file's mtime a few seconds into the past (a distinct value each call), so it counts as settled. */
export function settle(file: string): void {
  const seconds = (Date.now() - 10_000) / 1000 + tick++ / 100;
  utimesSync(file, seconds, seconds);
}

/** Writes a bundle into the appBase atomically (temp + rename, as a careful copy would) and settles it. */
export function dropBundle(appBase: string, fileName: string, bytes: Buffer): string {
  const file = join(appBase, fileName);
  const temp = join(appBase, `.${fileName}.tmp`);
  writeFileSync(temp, bytes);
  settle(temp);
  renameSync(temp, file);
  return file;
}

export function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function logsMatching(server: TestServer, pattern: RegExp): string[] {
  return server.logs.map((r) => `${r.msg} ${r.err ? JSON.stringify(r.err) : ''}`).filter((line) => pattern.test(line));
}
