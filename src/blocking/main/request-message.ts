/** The head of a request as it crosses to a worker thread (RequestMessage), built from the real exchange. */
import type { Exchange } from '../../protocol/exchange.js';
import type { ConnectionData, ForwardedData, RequestMessage } from '../messages/exchange-messages.js';

export function requestMessage(id: number, connector: number, exchange: Exchange, connection: ConnectionData | undefined): RequestMessage {
  return {
    type: 'request',
    id,
    connector,
    connection,
    protocol: exchange.protocol,
    method: exchange.method,
    target: exchange.target,
    rawHeaders: exchange.rawHeaders,
    startTime: exchange.startTime,
    willClose: exchange.willClose,
    bodyEnded: exchange.body.readableEnded,
    forwarded: forwardedData(exchange),
  };
}

/** AJP exchanges carry forwarded attributes, user and route (AjpExchange's ForwardedRequestValues). */
function forwardedData(exchange: Exchange): ForwardedData | undefined {
  const candidate = exchange as Partial<{
    forwardedAttributes: ReadonlyMap<string, unknown>;
    forwardedUser: ForwardedData['user'];
    route: string | null;
  }>;
  if (!(candidate.forwardedAttributes instanceof Map)) return undefined;
  return {
    attributes: [...candidate.forwardedAttributes],
    user: candidate.forwardedUser ?? null,
    route: candidate.route ?? null,
  };
}
