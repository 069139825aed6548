import { describe, expect, it } from 'vitest';
import type { Http11ConnectorConfig } from '../../../src/config/server-config.js';
import { ContainerRequest } from '../../../src/connector/container-request.js';
import { ContainerResponse } from '../../../src/connector/container-response.js';
import { ContainerError } from '../../../src/errors/container-error.js';
import { emptyMappingData } from '../../../src/mapper/mapping-data.js';
import { BufferExchange, testConnectorConfig, type BufferExchangeOptions } from '../../helpers/buffer-exchange.js';

function setup(options: BufferExchangeOptions & { connector?: Partial<Http11ConnectorConfig> } = {}) {
  const exchange = new BufferExchange(options);
  const response = new ContainerResponse(exchange, {});
  const request = new ContainerRequest(exchange, testConnectorConfig(options.connector), response);
  response.attach(request);
  request.setMapping({ ...emptyMappingData(), contextPath: '', servletPath: '/s' }, null, '/s', null);
  return { request, exchange };
}

describe('ContainerRequest: no promise when there is no body to read', () => {
  it('readFormBody returns nothing for a GET and leaves the body unread', () => {
    const { request, exchange } = setup({ target: '/s?a=1' });
    expect(request.readFormBody()).toBeUndefined();
    expect(request.getParameter('a')).toBe('1');
    expect(exchange.body.readableEnded).toBe(false);
  });

  it('still applies maxParameterCount on that path, synchronously', () => {
    const { request } = setup({ target: '/s?a=1&b=2&c=3', connector: { maxParameterCount: 2 } });
    let thrown: unknown;
    try {
      void request.readFormBody();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ContainerError);
    expect(thrown).toMatchObject({ code: 'SV_ERR_HTTP_TOO_MANY_PARAMETERS', status: 400 });
  });

  it('reads a POST form body through a promise', async () => {
    const { request } = setup({ method: 'POST', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'x=9' });
    const reading = request.readFormBody();
    expect(reading).toBeInstanceOf(Promise);
    await reading;
    expect(request.getParameter('x')).toBe('9');
  });

  it('reads a multipart body even on a method other than POST (the promise path)', () => {
    const { request } = setup({ method: 'PUT', headers: [['Content-Type', 'multipart/form-data; boundary=b']], body: '--b--\r\n' });
    const reading = request.readFormBody();
    expect(reading).toBeInstanceOf(Promise);
    return reading;
  });

  it('releaseParts has nothing to wait for when the request had no parts', () => {
    const { request } = setup();
    expect(request.releaseParts()).toBeUndefined();
  });
});
