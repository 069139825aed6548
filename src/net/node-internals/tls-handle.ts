/**
 * The TLSWrap behind a server TLSSocket (`_handle`): SSL_set_verify per connection, and the result of the
 * client certificate's verification, which node only turns into `authorized` for sockets of a tls.Server.
 * net/tls-context.ts uses them to switch certificate verification by SNI during the handshake; index.ts checks
 * them first.
 */
import { Duplex } from 'node:stream';
import tls from 'node:tls';

interface TlsHandle {
  setVerifyMode(requestCert: boolean, rejectUnauthorized: boolean): void;
  verifyError(): Error | null;
}

export function tlsHandleOf(socket: tls.TLSSocket): TlsHandle | null {
  const handle = (socket as unknown as { _handle?: Partial<TlsHandle> | null })._handle;
  if (handle === null || handle === undefined) return null;
  if (typeof handle.setVerifyMode !== 'function' || typeof handle.verifyError !== 'function') return null;
  return handle as TlsHandle;
}

/**
 * A server TLSSocket over an idle in-memory stream: its handle must have both methods and accept a verify
 * mode. verifyError() itself cannot be exercised here: called before a handshake has run, node 20's
 * implementation crashes the process (a segmentation fault, verified on v20.20), which is why it is only ever
 * called from a socket's 'secure' event. Returns why not, or null.
 */
export function checkTlsHandle(): string | null {
  const transport = new Duplex({ read: () => undefined, write: (_chunk, _encoding, done) => done() });
  const socket = new tls.TLSSocket(transport, { isServer: true });
  socket.on('error', () => undefined);
  transport.on('error', () => undefined);
  try {
    const handle = tlsHandleOf(socket);
    if (handle === null) return 'a server TLSSocket has no _handle with setVerifyMode and verifyError';
    handle.setVerifyMode(true, false);
    handle.setVerifyMode(false, false);
    return null;
  } finally {
    socket.destroy();
    transport.destroy();
  }
}
