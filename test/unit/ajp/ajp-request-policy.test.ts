// The connector's decisions on a decoded FORWARD_REQUEST: secret, attribute allow-list (Ghostcat), framing, identity.
import { describe, expect, it } from 'vitest';
import { decodeForwardRequest } from '../../../src/protocol/ajp/ajp-forward-request.js';
import { applyRequestPolicy, secretsEqual, type AjpRequestPolicy } from '../../../src/protocol/ajp/ajp-request-policy.js';
import { encodeForwardRequest, type AjpRequest } from '../../helpers/ajp-client.js';

const policy: AjpRequestPolicy = {
  secret: 'RIGHTSECRET',
  allowedRequestAttributesPattern: /^(?:MY_[A-Z]+)$/,
  tomcatAuthentication: true,
  tomcatAuthorization: false,
  maxHeaderCount: 5,
};

function apply(request: AjpRequest, overrides: Partial<AjpRequestPolicy> = {}) {
  return applyRequestPolicy(
    decodeForwardRequest(encodeForwardRequest({ secret: 'RIGHTSECRET', ...request })),
    { ...policy, ...overrides },
    '192.0.2.7',
  );
}

function accepted(request: AjpRequest, overrides: Partial<AjpRequestPolicy> = {}) {
  const result = apply(request, overrides);
  if (!result.ok) throw new Error(`refused: ${result.error.message}`);
  return result.request;
}

function refusal(request: AjpRequest, overrides: Partial<AjpRequestPolicy> = {}): { code: string; status: number | undefined } {
  const result = apply(request, overrides);
  if (result.ok) throw new Error('accepted');
  return { code: result.error.code, status: result.error.status };
}

describe('secret', () => {
  it('refuses a missing or wrong secret with 403 and accepts the right one', () => {
    const missing = applyRequestPolicy(decodeForwardRequest(encodeForwardRequest({})), policy, '192.0.2.7');
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.error.message).toMatch(/no secret/);
    // The socket's peer is named, never the client address the unauthenticated packet claims.
    expect(!missing.ok && missing.error.message).toContain('[192.0.2.7]');
    const claiming = applyRequestPolicy(decodeForwardRequest(encodeForwardRequest({ remoteAddr: '10.9.9.9' })), policy, '192.0.2.7');
    expect(!claiming.ok && claiming.error.message).not.toContain('10.9.9.9');
    expect(refusal({ secret: 'WRONGSECRET' })).toEqual({ code: 'SV_ERR_AJP_SECRET_MISMATCH', status: 403 });
    expect(refusal({ secret: 'RIGHTSECRE' }).status).toBe(403);
    expect(refusal({ secret: '' }).status).toBe(403);
    expect(accepted({}).method).toBe('GET');
  });

  it('needs no secret when none is configured', () => {
    expect(applyRequestPolicy(decodeForwardRequest(encodeForwardRequest({})), { ...policy, secret: undefined }, '192.0.2.7').ok).toBe(true);
  });

  it('compares secrets of any length without throwing', () => {
    expect(secretsEqual('a', 'a')).toBe(true);
    expect(secretsEqual('a', 'ab')).toBe(false);
    expect(secretsEqual('', 'x'.repeat(1000))).toBe(false);
  });
});

describe('request attributes', () => {
  it('maps AJP_REMOTE_PORT, AJP_LOCAL_ADDR and AJP_SSL_PROTOCOL', () => {
    const request = accepted({
      attributes: [
        ['AJP_REMOTE_PORT', '4711'],
        ['AJP_LOCAL_ADDR', '10.1.2.3'],
        ['AJP_SSL_PROTOCOL', 'TLSv1.3'],
        ['JK_LB_ACTIVATION', 'ACT'],
      ],
    });
    expect(request.remotePort).toBe(4711);
    expect(request.localAddress).toBe('10.1.2.3');
    expect(request.tls?.protocol).toBe('TLSv1.3');
    expect(request.attributes.get('JK_LB_ACTIVATION')).toBe('ACT');
  });

  it('ignores an invalid AJP_REMOTE_PORT', () => {
    expect(accepted({ attributes: [['AJP_REMOTE_PORT', 'x']] }).remotePort).toBe(0);
    expect(accepted({ attributes: [['AJP_REMOTE_PORT', '70000']] }).remotePort).toBe(0);
  });

  it('refuses an unknown attribute with 403 unless the whole name matches the pattern', () => {
    expect(refusal({ attributes: [['OTHER', 'v']] })).toEqual({ code: 'SV_ERR_AJP_ATTRIBUTE_NOT_ALLOWED', status: 403 });
    expect(refusal({ attributes: [['XMY_ABC', 'v']] }).status).toBe(403);
    expect(accepted({ attributes: [['MY_ABC', 'v']] }).attributes.get('MY_ABC')).toBe('v');
    expect(refusal({ attributes: [['MY_ABC', 'v']] }, { allowedRequestAttributesPattern: undefined }).status).toBe(403);
  });

  it('never sets container-reserved attributes, even when the pattern matches them (Ghostcat)', () => {
    const everything = { allowedRequestAttributesPattern: /^(?:.*)$/ };
    for (const name of [
      'jakarta.servlet.include.request_uri',
      'jakarta.servlet.include.servlet_path',
      'javax.servlet.include.path_info',
      'jakarta.servlet.forward.request_uri',
      'org.apache.catalina.jsp_file',
      'serval.internal.x',
    ]) {
      expect(refusal({ attributes: [[name, '/WEB-INF/web.xml']] }, everything).status).toBe(403);
    }
    expect(accepted({ attributes: [['custom', 'v']] }, everything).attributes.get('custom')).toBe('v');
  });

  it('carries the forwarded SSL data as the exchange TLS facts and is_ssl as secure', () => {
    const request = accepted({ isSsl: true, sslCipher: 'C', sslSession: 'S', sslKeySize: 256, sslCert: 'not a certificate' });
    expect(request.secure).toBe(true);
    expect(request.tls).toEqual({
      protocol: '',
      cipherSuite: 'C',
      keySize: 256,
      sessionId: 'S',
      peerCertificates: [],
      peerVerified: false,
      serverName: undefined,
    });
    // An unparsable certificate is left out, not passed on as text.
    expect(request.attributes.size).toBe(0);
  });

  it('has no TLS facts for a plain request', () => {
    expect(accepted({}).tls).toBeUndefined();
    expect(accepted({}).secure).toBe(false);
  });
});

describe('identity', () => {
  it('ignores the proxy user by default, trusts it with tomcatAuthentication=false', () => {
    expect(accepted({ remoteUser: 'alice', authType: 'BASIC' }).user).toBeNull();
    expect(accepted({ remoteUser: 'alice', authType: 'BASIC' }, { tomcatAuthentication: false }).user).toEqual({
      name: 'alice',
      authType: 'BASIC',
      authorize: false,
    });
    expect(accepted({ remoteUser: 'alice', authType: 'BASIC' }, { tomcatAuthorization: true }).user).toEqual({
      name: 'alice',
      authType: 'BASIC',
      authorize: true,
    });
  });
});

describe('headers and framing', () => {
  it('refuses two Content-Length headers and an invalid one with 400', () => {
    expect(
      refusal({
        headers: [
          ['content-length', '1'],
          ['content-length', '1'],
        ],
      }),
    ).toEqual({ code: 'SV_ERR_HTTP_CONTENT_LENGTH_DUPLICATE', status: 400 });
    expect(refusal({ headers: [['content-length', '1a']] })).toEqual({ code: 'SV_ERR_HTTP_CONTENT_LENGTH_INVALID', status: 400 });
    expect(refusal({ headers: [['content-length', '-1']] }).status).toBe(400);
  });

  it('refuses more than maxHeaderCount headers with 400 and accepts exactly the limit', () => {
    const headers = (n: number) => Array.from({ length: n }, (_, i) => [`x-h${i}`, 'v'] as const);
    expect(accepted({ headers: headers(5) }).rawHeaders).toHaveLength(10);
    expect(refusal({ headers: headers(6) })).toEqual({ code: 'SV_ERR_HTTP_TOO_MANY_HEADERS', status: 400 });
  });

  it('derives the body framing', () => {
    expect(accepted({ headers: [['content-length', '12']] })).toMatchObject({ contentLength: 12, chunked: false });
    expect(
      accepted({
        headers: [
          ['transfer-encoding', 'chunked'],
          ['content-length', '12'],
        ],
      }),
    ).toMatchObject({ contentLength: -1, chunked: true });
    expect(accepted({})).toMatchObject({ contentLength: -1, chunked: false });
  });

  it('joins the path and the query string into the target', () => {
    expect(accepted({ uri: '/a%20b', query: 'x=%20' }).target).toBe('/a%20b?x=%20');
    expect(accepted({ uri: '/a' }).target).toBe('/a');
  });
});
