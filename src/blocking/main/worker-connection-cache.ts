/**
 * Which connection facts (addresses, scheme, TLS) each worker thread last received, so that a request tells
 * its worker only what changed: nothing for the next request of a keep-alive HTTP connection, the lot when the
 * worker moves to another connection, and per request where the protocol forwards them per request (AJP
 * carries the client's address and TLS facts in every forward request).
 */
import type { TlsInfo } from '../../net/tls-info.js';
import type { ConnectionData, TlsInfoData } from '../messages/exchange-messages.js';
import type { Exchange } from '../../protocol/exchange.js';

interface Introduced {
  readonly data: ConnectionData;
  /** The TlsInfo the data was built from: an HTTP connection keeps one per socket, AJP makes one per request. */
  readonly tls: TlsInfo | undefined;
}

export class WorkerConnectionCache<W extends object> {
  readonly #introduced = new WeakMap<W, Introduced>();

  /** The facts to send with this exchange's request to `worker`, or undefined when it already has them. */
  dataFor(worker: W, exchange: Exchange): ConnectionData | undefined {
    const tls = exchange.tls;
    const last = this.#introduced.get(worker);
    if (last !== undefined && last.tls === tls && sameFacts(last.data, exchange)) return undefined;
    const data: ConnectionData = {
      id: exchange.connectionId,
      remoteAddress: exchange.remoteAddress,
      remotePort: exchange.remotePort,
      localAddress: exchange.localAddress,
      localPort: exchange.localPort,
      secure: exchange.secure,
      scheme: exchange.scheme,
      tls: tlsData(tls),
    };
    this.#introduced.set(worker, { data, tls });
    return data;
  }
}

function sameFacts(data: ConnectionData, exchange: Exchange): boolean {
  return (
    data.id === exchange.connectionId &&
    data.remoteAddress === exchange.remoteAddress &&
    data.remotePort === exchange.remotePort &&
    data.localAddress === exchange.localAddress &&
    data.localPort === exchange.localPort &&
    data.secure === exchange.secure &&
    data.scheme === exchange.scheme
  );
}

function tlsData(tls: TlsInfo | undefined): TlsInfoData | undefined {
  if (tls === undefined) return undefined;
  return {
    protocol: tls.protocol,
    cipherSuite: tls.cipherSuite,
    keySize: tls.keySize,
    sessionId: tls.sessionId,
    peerCertificatesPem: tls.peerCertificates.map((certificate) => certificate.toString()),
    peerVerified: tls.peerVerified,
    serverName: tls.serverName,
  };
}
