/**
 * A GET from a chosen local address: every test client is 127.0.0.1 unless it binds another loopback address
 * (127.0.0.2, ::1), which is how address-based valves and filters are tested for both outcomes.
 */
import http from 'node:http';

export interface AddressedResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export function getFrom(
  localAddress: string,
  port: number,
  path: string,
  options: { readonly host?: string; readonly headers?: Record<string, string | string[]> | undefined } = {},
): Promise<AddressedResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: options.host ?? (localAddress.includes(':') ? '::1' : '127.0.0.1'),
        port,
        path,
        localAddress,
        agent: false,
        headers: options.headers,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end();
  });
}
