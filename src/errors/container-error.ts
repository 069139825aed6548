/** The error classes: every error the container raises carries a code of the catalogue (codes.ts). */
import { codes, formatUnchecked, type CloseMode, type ErrorCode, type MessageParams, type ParamName, type ParamsOf } from './codes.js';

export interface ErrorOptions {
  readonly cause?: unknown;
  /** Overrides the catalogue's status (a code shared by several statuses, e.g. 400 and 413 for bad framing). */
  readonly status?: number;
}

/**
 * The arguments of `new ContainerError(…)`: one tuple per code, so the compiler matches `params` to the
 * `{placeholders}` of that code's template (exactly those names, each required). Params may be left out
 * only for a code without placeholders.
 */
export type ErrorArgs = {
  [C in ErrorCode]: [ParamName<C>] extends [never]
    ? [code: C, params?: ParamsOf<C>, options?: ErrorOptions]
    : [code: C, params: ParamsOf<C>, options?: ErrorOptions];
}[ErrorCode];

export class ContainerError extends Error {
  readonly code: ErrorCode;
  readonly status: number | undefined;
  readonly closeMode: CloseMode | undefined;
  readonly params: MessageParams;

  constructor(...[code, params = {}, options = {}]: ErrorArgs) {
    super(formatUnchecked(code, params), options.cause === undefined ? undefined : { cause: options.cause });
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

/**
 * Rebuilds an error that crossed a thread as data. Its parameters were checked against its code when it was
 * first built on the other side; here the code is only known at runtime, so they cannot be checked again.
 */
export function reviveError(
  kind: 'ContainerError' | 'ProtocolError',
  code: ErrorCode,
  params: MessageParams,
  options: ErrorOptions,
): ContainerError {
  const args = [code, params, options] as unknown as ErrorArgs;
  return kind === 'ProtocolError' ? new ProtocolError(...args) : new ContainerError(...args);
}
