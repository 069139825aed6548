/** A TCP connection to ourselves on 127.0.0.1, for tests of what the container does with an accepted socket. */
import { once } from 'node:events';
import net from 'node:net';

export interface SocketPair {
  /** The accepted side, still paused (pauseOnConnect), as the acceptor hands it to a processor. */
  readonly server: net.Socket;
  readonly client: net.Socket;
  readonly listener: net.Server;
}

export async function connectedPair(): Promise<SocketPair> {
  const listener = net.createServer({ pauseOnConnect: true });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as net.AddressInfo;
  const accepted = once(listener, 'connection');
  const client = net.connect(port, '127.0.0.1');
  const [server] = (await accepted) as [net.Socket];
  return { server, client, listener };
}
