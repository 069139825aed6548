/** Recognises errors that only mean the client went away (logged at debug, never as failures). */
const ABORT_CODES = new Set([
  'SV_ERR_HTTP_CLIENT_ABORT',
  'ECONNRESET',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'ECONNABORTED',
]);

export function isClientAbort(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ABORT_CODES.has(code);
}
