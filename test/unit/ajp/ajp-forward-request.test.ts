// Decoding FORWARD_REQUEST: every field, coded and literal headers, the stored method, and every truncation.
import type { ContainerError } from '../../../src/errors/container-error.js';
import { describe, expect, it } from 'vitest';
import { decodeForwardRequest } from '../../../src/protocol/ajp/ajp-forward-request.js';
import { encodeForwardRequest } from '../../helpers/ajp-client.js';

describe('decodeForwardRequest', () => {
  const full = encodeForwardRequest({
    method: 'POST',
    uri: '/app/a%20b',
    query: 'x=1',
    remoteAddr: '10.0.0.1',
    remoteHost: 'client.example',
    serverName: 'www.example.org',
    serverPort: 8443,
    isSsl: true,
    headers: [
      ['host', 'www.example.org'],
      ['content-type', 'text/plain'],
      ['X-Trace', 'abc'],
      ['user-agent', 'UA'],
    ],
    remoteUser: 'alice',
    authType: 'BASIC',
    route: 'node1',
    sslCipher: 'TLS_AES_256_GCM_SHA384',
    sslSession: 'sess',
    sslKeySize: 256,
    attributes: [['AJP_REMOTE_PORT', '4711']],
    secret: 'top',
  });

  it('decodes every field', () => {
    expect(decodeForwardRequest(full)).toEqual({
      method: 'POST',
      protocol: 'HTTP/1.1',
      requestUri: '/app/a%20b',
      remoteAddress: '10.0.0.1',
      remoteHost: 'client.example',
      serverName: 'www.example.org',
      serverPort: 8443,
      isSsl: true,
      headers: [
        ['host', 'www.example.org'],
        ['content-type', 'text/plain'],
        ['X-Trace', 'abc'],
        ['user-agent', 'UA'],
      ],
      queryString: 'x=1',
      remoteUser: 'alice',
      authType: 'BASIC',
      route: 'node1',
      sslCert: null,
      sslCipher: 'TLS_AES_256_GCM_SHA384',
      sslSession: 'sess',
      sslKeySize: 256,
      secret: 'top',
      requestAttributes: [['AJP_REMOTE_PORT', '4711']],
    });
  });

  it('decodes every method code, and the stored method for the others', () => {
    for (const method of ['OPTIONS', 'GET', 'HEAD', 'PUT', 'DELETE', 'TRACE', 'PROPFIND', 'MKACTIVITY', 'BASELINE-CONTROL']) {
      expect(decodeForwardRequest(encodeForwardRequest({ method })).method).toBe(method);
    }
    expect(decodeForwardRequest(encodeForwardRequest({ method: 'PATCH' })).method).toBe('PATCH');
  });

  it('decodes literal header names the same as coded ones', () => {
    const request = {
      headers: [
        ['Content-Length', '0'],
        ['Cookie', 'a=b'],
      ] as Array<[string, string]>,
    };
    const coded = decodeForwardRequest(encodeForwardRequest(request));
    const literal = decodeForwardRequest(encodeForwardRequest({ ...request, literalHeaderNames: true }));
    expect(coded.headers).toEqual([
      ['content-length', '0'],
      ['cookie', 'a=b'],
    ]);
    expect(literal.headers.map(([n, v]) => [n.toLowerCase(), v])).toEqual(coded.headers);
  });

  it('rejects every truncation of a valid request', () => {
    const codes = new Set<string>();
    for (let length = 0; length < full.length; length++) {
      try {
        decodeForwardRequest(full.subarray(0, length));
        expect.unreachable(`length ${length} was accepted`);
      } catch (error) {
        codes.add((error as ContainerError).code);
      }
    }
    expect([...codes]).toEqual(['SV_ERR_AJP_TRUNCATED']);
    expect(() => decodeForwardRequest(full.subarray(0, 3))).toThrow(
      'Malformed AJP FORWARD_REQUEST: truncated at [protocol], which needs [2] bytes at offset [2] of [3]',
    );
  });

  it('rejects an unknown header code, attribute code or method code', () => {
    const base = encodeForwardRequest({ headers: [['accept', '*/*']] });
    const headerAt = base.indexOf(Buffer.from([0xa0, 0x01]));
    const badHeader = Buffer.from(base);
    badHeader[headerAt + 1] = 0x0f;
    expect(() => decodeForwardRequest(badHeader)).toThrow('Malformed AJP FORWARD_REQUEST: unknown header code [0xa00f]');

    const badAttribute = Buffer.concat([base.subarray(0, base.length - 1), Buffer.from([0x20, 0xff])]);
    expect(() => decodeForwardRequest(badAttribute)).toThrow(/unknown attribute code/);

    const badMethod = Buffer.from(base);
    badMethod[1] = 28;
    expect(() => decodeForwardRequest(badMethod)).toThrow(/unknown method code/);
  });

  it('rejects a missing terminator NUL, a stored-method code without the attribute, and trailing bytes', () => {
    const base = encodeForwardRequest({ uri: '/x' });
    const noNul = Buffer.from(base);
    noNul[base.indexOf(Buffer.from('/x')) + 2] = 0x41;
    expect(() => decodeForwardRequest(noNul)).toThrow(/not NUL-terminated/);

    const stored = Buffer.from(base);
    stored[1] = 0xff;
    expect(() => decodeForwardRequest(stored)).toThrow(/stored_method/);

    expect(() => decodeForwardRequest(Buffer.concat([base, Buffer.from([0])]))).toThrow(/after the attribute terminator/);
  });

  it('decodes null strings', () => {
    const decoded = decodeForwardRequest(encodeForwardRequest({ remoteHost: undefined }));
    expect(decoded.remoteHost).toBeNull();
  });
});
