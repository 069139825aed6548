/** The server.xml the test harnesses generate; a module of its own so the child-process harness loads no container code. */
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..');

export interface ServerXmlOptions {
  /** Absolute appBase (default: the repository's webapps/). */
  readonly appBase?: string | undefined;
  /** Extra attributes for the Connector element, e.g. `maxKeepAliveRequests="3"`. */
  readonly connectorAttributes?: string | undefined;
  /** XML inside the Connector element (an SSLHostConfig). */
  readonly connectorContent?: string | undefined;
  /** Extra XML inside the Host element (valves, contexts). */
  readonly hostContent?: string | undefined;
  /** Extra XML inside the Engine element. */
  readonly engineContent?: string | undefined;
  /** Engine attributes such as `jvmRoute="node1"`. */
  readonly engineAttributes?: string | undefined;
  /** Extra XML inside the Server element, before the Service (listeners). */
  readonly serverContent?: string | undefined;
}

/**
 * The server.xml both harnesses start from (this in-process one and test/helpers/child-server.ts): one HTTP/1.1
 * Connector on 127.0.0.1 port 0 and a Host whose appBase is the repository's webapps/ unless told otherwise.
 */
export function testServerXml(options: ServerXmlOptions): string {
  const appBase = options.appBase ?? join(REPO_ROOT, 'webapps');
  return `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  ${options.serverContent ?? ''}
  <Service name="Catalina">
    <Connector port="0" address="127.0.0.1" protocol="HTTP/1.1" ${options.connectorAttributes ?? ''}>${options.connectorContent ?? ''}</Connector>
    <Engine name="Catalina" defaultHost="localhost" ${options.engineAttributes ?? ''}>
      ${options.engineContent ?? ''}
      <Host name="localhost" appBase="${appBase}" autoDeploy="false">
        ${options.hostContent ?? ''}
      </Host>
    </Engine>
  </Service>
</Server>
`;
}
