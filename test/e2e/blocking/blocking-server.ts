/** Starts the container with one blocking-style HTTP connector (servlets on worker threads) in front of an appBase. */
import { join } from 'node:path';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

export const BLOCKING_APP_BASE = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'blocking');

export interface BlockingServerOptions {
  /** Default: the repository's webapps/. */
  readonly appBase?: string;
  /** Attributes of the Connector besides port, address and protocol. */
  readonly connectorAttributes?: string;
  readonly protocol?: string;
  /** Extra XML inside the Service, before the Connector (Executors). */
  readonly serviceContent?: string;
  /** Attributes of the Host besides name and appBase (default autoDeploy="false"). */
  readonly hostAttributes?: string;
}

export function startBlockingServer(options: BlockingServerOptions = {}): Promise<TestServer> {
  const appBase = options.appBase ?? join(REPO_ROOT, 'webapps');
  return startTestServer({
    serverXml: `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    ${options.serviceContent ?? ''}
    <Connector port="0" address="127.0.0.1" protocol="${options.protocol ?? 'HTTP/1.1-blocking'}" ${options.connectorAttributes ?? ''}/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="${appBase}" ${options.hostAttributes ?? 'autoDeploy="false"'}/>
    </Engine>
  </Service>
</Server>
`,
  });
}

export interface BlockingAjpServer extends TestServer {
  readonly ajpPort: number;
  readonly httpPort: number;
}

/**
 * The AJP fixture webapp behind a blocking AJP connector and a blocking HTTP connector that share one
 * `<Executor>` (one worker pool for both).
 */
export async function startBlockingAjpServer(appBase: string, secret: string): Promise<BlockingAjpServer> {
  const server = await startTestServer({
    serverXml: `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Executor name="shared" maxThreads="4" minSpareThreads="2"/>
    <Connector port="0" protocol="org.apache.coyote.ajp.AjpProtocol" executor="shared" secret="${secret}"/>
    <Connector port="0" address="127.0.0.1" protocol="org.apache.coyote.http11.Http11Protocol" executor="shared"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="${appBase}" autoDeploy="false"/>
    </Engine>
  </Service>
</Server>
`,
  });
  const connectors = server.catalina.server.services[0]!.connectors;
  return Object.assign(server, { ajpPort: connectors[0]!.localPort, httpPort: connectors[1]!.localPort });
}
