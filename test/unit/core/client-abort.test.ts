import { describe, expect, it } from 'vitest';
import { isClientAbort } from '../../../src/core/client-abort.js';
import { ContainerError } from '../../../src/errors/container-error.js';
import { errorFromData, errorToData } from '../../../src/blocking/pool/error-data.js';

const abort = (): ContainerError => new ContainerError('SV_ERR_HTTP_CLIENT_ABORT', { protocol: 'HTTP/1.1', connectionId: 'c7' });

describe('isClientAbort', () => {
  it('recognises the coded client abort, and socket errors that mean the same', () => {
    expect(abort().message).toBe('The client closed HTTP/1.1 connection [c7] before the request body was complete');
    expect(isClientAbort(abort())).toBe(true);
    expect(isClientAbort(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
  });

  it('does not take other errors for an abort', () => {
    expect(isClientAbort(new ContainerError('SV_ERR_HTTP_POST_TOO_LARGE', { size: 10, limit: 5 }))).toBe(false);
    expect(isClientAbort(new Error('boom'))).toBe(false);
    expect(isClientAbort(null)).toBe(false);
  });

  it('still recognises the abort after it crossed to a worker thread (the code survives the trip)', () => {
    const revived = errorFromData(errorToData(abort()));
    expect(revived).toBeInstanceOf(ContainerError);
    expect(revived.message).toBe(abort().message);
    expect(isClientAbort(revived)).toBe(true);
  });
});
