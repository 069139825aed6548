/** The request body's way to a worker: streamed once the worker asks for it, with flow control. */
import { ContainerError } from '../../errors/container-error.js';
import { ownedCopy } from '../messages/channel.js';
import { errorToData } from '../pool/error-data.js';
import type { InFlight } from './in-flight.js';

/** Body bytes the main thread may send ahead of what the worker has consumed. */
const BODY_WINDOW = 512 * 1024;

/** Streams the request body into the worker once it asks, keeping at most BODY_WINDOW bytes unconsumed. */
export class BodyPump {
  readonly #request: InFlight;
  #sent = 0;
  #credited = 0;
  #paused = false;
  #finished = false;
  readonly #onData = (chunk: Buffer): void => {
    const owned = ownedCopy(chunk);
    this.#request.worker.postBody({ id: this.#request.id, kind: 'data', chunk: owned }, [owned]);
    this.#sent += chunk.length;
    if (this.#sent - this.#credited > BODY_WINDOW) {
      this.#paused = true;
      this.#request.exchange.body.pause();
    }
  };
  readonly #onEnd = (): void => {
    this.#finish();
    this.#request.worker.postBody({ id: this.#request.id, kind: 'end', trailers: this.#request.exchange.rawTrailers });
  };
  readonly #onError = (error: Error): void => {
    this.#finish();
    this.#request.worker.postBody({ id: this.#request.id, kind: 'error', error: errorToData(error) });
  };
  readonly #onClose = (): void => {
    if (this.#finished) return;
    const exchange = this.#request.exchange;
    this.#onError(new ContainerError('SV_ERR_HTTP_CLIENT_ABORT', { protocol: exchange.protocol, connectionId: exchange.connectionId }));
  };

  constructor(request: InFlight) {
    this.#request = request;
    const body = request.exchange.body;
    if (body.readableEnded) {
      this.#onEnd();
      return;
    }
    body.on('data', this.#onData);
    body.once('end', this.#onEnd);
    body.once('error', this.#onError);
    body.once('close', this.#onClose);
    body.resume();
  }

  credit(bytes: number): void {
    this.#credited += bytes;
    if (this.#paused && this.#sent - this.#credited <= BODY_WINDOW / 2) {
      this.#paused = false;
      this.#request.exchange.body.resume();
    }
  }

  /** The request is over: the rest of the body is the processor's (swallow or close), as on the event-loop endpoint. */
  detach(): void {
    this.#finish();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    const body = this.#request.exchange.body;
    body.off('data', this.#onData);
    body.off('end', this.#onEnd);
    body.off('error', this.#onError);
    body.off('close', this.#onClose);
  }
}
