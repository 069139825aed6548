/** Coded errors across threads: a ContainerError keeps its class, code, params and status on the other side. */
import { ContainerError, ProtocolError, reviveError } from '../../errors/container-error.js';
import type { ErrorCode } from '../../errors/codes.js';
import { codes } from '../../errors/codes.js';
import type { MessageParams } from '../../errors/codes.js';

/** A coded container error as it crosses threads; rebuilt as the same class and code on the other side. */
export interface ErrorData {
  readonly kind: 'ProtocolError' | 'ContainerError' | 'Error';
  readonly code: string | undefined;
  readonly params: MessageParams | undefined;
  readonly status: number | undefined;
  readonly message: string;
}

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
