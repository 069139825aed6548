// Issue #6 hooks and #3 multipart API on ContainerRequest: what a trusted front end forwards (user, attributes)
// and getParts() without a multipart config.
import { describe, expect, it } from 'vitest';
import { ContainerRequest } from '../../../src/connector/container-request.js';
import { ContainerResponse } from '../../../src/connector/container-response.js';
import { ContainerError } from '../../../src/errors/container-error.js';
import { emptyMappingData } from '../../../src/mapper/mapping-data.js';
import { BufferExchange, testConnectorConfig, type BufferExchangeOptions } from '../../helpers/buffer-exchange.js';

interface Forwarded {
  forwardedUser?: { name: string; authType: string | null; authorize: boolean } | null;
  forwardedAttributes?: ReadonlyMap<string, unknown>;
}

function requestWith(forwarded: Forwarded, options: BufferExchangeOptions = {}): ContainerRequest {
  const exchange = Object.assign(new BufferExchange(options), forwarded);
  const response = new ContainerResponse(exchange, {});
  const request = new ContainerRequest(exchange, testConnectorConfig(), response);
  response.attach(request);
  request.setMapping(emptyMappingData(), null, '/x', null);
  return request;
}

describe('ContainerRequest: values a front end forwarded', () => {
  it('takes the forwarded user as remote user, principal and auth type', () => {
    const request = requestWith({ forwardedUser: { name: 'alice', authType: 'Basic', authorize: false } });
    expect(request.getRemoteUser()).toBe('alice');
    expect(request.getUserPrincipal()?.getName()).toBe('alice');
    expect(request.getAuthType()).toBe('Basic');
    expect(request.isUserInRole('**')).toBe(true);
    expect(request.isUserInRole('admin')).toBe(false);
  });

  it('has no user when none was forwarded, and an authenticator (even a logout) wins over the forwarded one', () => {
    expect(requestWith({ forwardedUser: null }).getRemoteUser()).toBeNull();
    expect(requestWith({}).getAuthType()).toBeNull();
    const request = requestWith({ forwardedUser: { name: 'alice', authType: 'Basic', authorize: false } });
    request.setUserPrincipal({ getName: () => 'bob' }, 'FORM');
    expect([request.getRemoteUser(), request.getAuthType()]).toEqual(['bob', 'FORM']);
    request.setUserPrincipal(null, null);
    expect([request.getRemoteUser(), request.getAuthType()]).toEqual([null, null]);
  });

  it('leaves a user forwarded for tomcatAuthorization to the Realm: no principal of its own', () => {
    const request = requestWith({ forwardedUser: { name: 'alice', authType: 'Basic', authorize: true } });
    expect([request.getRemoteUser(), request.getAuthType()]).toEqual([null, null]);
  });

  it("falls back to forwarded attributes; the application's own value shadows one, and names are listed once", () => {
    const request = requestWith({
      forwardedAttributes: new Map([
        ['X_TEST', 'from-proxy'],
        ['JK_LB_ACTIVATION', 'ACT'],
      ]),
    });
    expect(request.getAttribute('X_TEST')).toBe('from-proxy');
    expect(request.getAttribute('missing')).toBeNull();
    request.setAttribute('X_TEST', 'own');
    expect(request.getAttribute('X_TEST')).toBe('own');
    expect(request.getAttributeNames().sort()).toEqual(['JK_LB_ACTIVATION', 'X_TEST']);
  });
});

describe('ContainerRequest: getParts() without parsed parts', () => {
  it('throws a coded error naming the missing multipart config', () => {
    const request = requestWith({}, { method: 'POST', headers: [['Content-Type', 'multipart/form-data; boundary=x']] });
    const error = (() => {
      try {
        request.getParts();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ContainerError);
    expect((error as ContainerError).code).toBe('SV_ERR_REQUEST_NO_MULTIPART_CONFIG');
    expect(() => request.getPart('a')).toThrow(/allowCasualMultipartParsing/);
  });
});
