/** Starts the container with an AJP connector (and an HTTP one) in front of the AJP fixture webapp. */
import { join } from 'node:path';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

export const AJP_APP_BASE = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'ajp');
export const SECRET = 'RIGHTSECRET';

export interface AjpTestServer extends TestServer {
  readonly ajpPort: number;
  readonly httpPort: number;
}

/** connectorAttributes are added to the AJP Connector (by default it requires SECRET); hostContent goes inside the Host. */
export async function startAjpServer(connectorAttributes = `secret="${SECRET}"`, hostContent = ''): Promise<AjpTestServer> {
  const server = await startTestServer({
    serverXml: `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="0" protocol="AJP/1.3" ${connectorAttributes}/>
    <Connector port="0" address="127.0.0.1" protocol="HTTP/1.1"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="${AJP_APP_BASE}" autoDeploy="false">${hostContent}</Host>
    </Engine>
  </Service>
</Server>
`,
  });
  const connectors = server.catalina.server.services[0]!.connectors;
  return Object.assign(server, { ajpPort: connectors[0]!.localPort, httpPort: connectors[1]!.localPort });
}
