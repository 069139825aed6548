/** The single error base class: every error the container throws carries a catalogued code. */
import { codes, formatMessage, type CloseMode, type ErrorCode, type MessageParams } from './codes.js';

export class ContainerError extends Error {
  readonly code: ErrorCode;
  readonly status: number | undefined;
  readonly closeMode: CloseMode | undefined;
  readonly params: MessageParams;

  constructor(code: ErrorCode, params: MessageParams = {}, options: { cause?: unknown; status?: number } = {}) {
    super(formatMessage(code, params), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.params = params;
    this.status = options.status ?? codes[code].status;
    this.closeMode = codes[code].close;
  }
}

/** A problem in configuration files; `problems` lists every one found (file:line, element path). */
export class ConfigError extends ContainerError {}
/** A malformed or over-limit request detected by a protocol layer. */
export class ProtocolError extends ContainerError {}
/** A failed lifecycle transition. */
export class LifecycleError extends ContainerError {}
/** A webapp that cannot be deployed. */
export class DeployError extends ContainerError {}
