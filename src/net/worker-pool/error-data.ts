/** Coded errors across threads: a ContainerError keeps its class, code, params and status on the other side. */
import { ContainerError, ProtocolError, reviveError } from '../../errors/container-error.js';
import type { ErrorCode } from '../../errors/codes.js';
import { codes } from '../../errors/codes.js';
import type { ErrorData } from './worker-messages.js';

export function errorToData(error: unknown): ErrorData {
  if (error instanceof ContainerError) {
    return {
      kind: error instanceof ProtocolError ? 'ProtocolError' : 'ContainerError',
      code: error.code,
      params: { ...error.params },
      status: error.status,
      message: error.message,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'Error', code: undefined, params: undefined, status: undefined, message };
}

export function errorFromData(data: ErrorData): Error {
  if (data.kind !== 'Error' && data.code !== undefined && Object.hasOwn(codes, data.code)) {
    const options = data.status === undefined ? {} : { status: data.status };
    return reviveError(data.kind, data.code as ErrorCode, data.params ?? {}, options);
  }
  return new Error(data.message);
}
