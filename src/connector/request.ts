/**
 * The container's view of a request: the servlet API plus what valves and the container need.
 * Implemented by ContainerRequest; valves and core code depend on this interface only.
 */
import type { ConnectorConfig } from '../config/server-config.js';
import type { Exchange } from '../protocol/exchange.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpSession } from '../servlet/http-session.js';
import type { MappingData } from '../mapper/mapping-data.js';
import type { Response } from './response.js';

export interface Request extends HttpServletRequest {
  readonly exchange: Exchange;
  readonly connector: ConnectorConfig;
  /** Host, Context and Wrapper chosen by the Mapper (typed by core as Host/Context/Wrapper). */
  readonly mappingData: MappingData;
  readonly response: Response;
  /** process.hrtime.bigint() when the request head was complete. */
  getStartTime(): bigint;
  /** Wall-clock ms when the request head was complete. */
  getStartTimeMs(): number;
  /** The canonical (decoded, normalised) URI the mapper saw. */
  getDecodedRequestURI(): string;
  /** The session already associated with this request, without creating one or checking validity. */
  getSessionIfExists(): HttpSession | null;
  /** Authenticated user, set by authenticators or trusted front ends. */
  setUserPrincipal(principal: { getName(): string } | null, authType: string | null): void;
  /** Attributes the container keeps for itself (never visible to or settable by protocol input). */
  getNote(name: string): unknown;
  setNote(name: string, value: unknown): void;
}
