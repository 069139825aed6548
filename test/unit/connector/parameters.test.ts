import { describe, expect, it } from 'vitest';
import { lookupCharset } from '../../../src/connector/content-type.js';
import { Parameters } from '../../../src/connector/parameters.js';
import { ContainerError } from '../../../src/errors/container-error.js';

const utf8 = lookupCharset('UTF-8')!;
const latin1 = lookupCharset('ISO-8859-1')!;

function parse(input: string | Uint8Array, charset = utf8, max = 1000): Parameters {
  const p = new Parameters(max);
  p.addEncoded(input, charset);
  return p;
}

describe('Parameters', () => {
  it('parses pairs in order, keeping repeated names as multiple values', () => {
    const p = parse('a=1&b=2&a=3');
    expect(p.names()).toEqual(['a', 'b']);
    expect(p.getValues('a')).toEqual(['1', '3']);
    expect(p.get('a')).toBe('1');
    expect(p.get('missing')).toBeNull();
    expect(p.getValues('missing')).toBeNull();
  });

  it('turns + into space and decodes %-escapes as UTF-8', () => {
    const p = parse('q=a+b%20c&name=J%C3%BCrgen&sym=%2B%26%3D');
    expect(p.get('q')).toBe('a b c');
    expect(p.get('name')).toBe('Jürgen');
    expect(p.get('sym')).toBe('+&=');
  });

  it('decodes with the given charset', () => {
    expect(parse('name=J%FCrgen', latin1).get('name')).toBe('Jürgen');
    // The same bytes are not valid UTF-8: the replacement character appears instead.
    expect(parse('name=J%FCrgen', utf8).get('name')).toBe('J\ufffdrgen');
  });

  it('treats a missing = as an empty value and keeps explicit empty values', () => {
    const p = parse('flag&empty=&x=1');
    expect(p.get('flag')).toBe('');
    expect(p.get('empty')).toBe('');
    expect(p.get('x')).toBe('1');
  });

  it('skips empty chunks and chunks without a name', () => {
    const p = parse('&&a=1&=orphan&&b=2&');
    expect(p.names()).toEqual(['a', 'b']);
    expect(p.size).toBe(2);
  });

  it('skips only the parameters with malformed escapes', () => {
    const p = parse('good=1&bad=%zz&alsobad%4=x&trunc=%4&good2=%41');
    expect(p.toMap()).toEqual(
      new Map([
        ['good', ['1']],
        ['good2', ['A']],
      ]),
    );
    expect(p.decodeFailures).toBe(3);
  });

  it('keeps = signs inside the value', () => {
    expect(parse('expr=a=b=c').get('expr')).toBe('a=b=c');
  });

  it('accepts exactly maxParameterCount parameters and fails with 400 on one more', () => {
    expect(parse('a=1&b=2&c=3', utf8, 3).size).toBe(3);
    let error: unknown;
    try {
      parse('a=1&b=2&c=3&d=4', utf8, 3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContainerError);
    expect((error as ContainerError).code).toBe('SV_ERR_HTTP_TOO_MANY_PARAMETERS');
    expect((error as ContainerError).status).toBe(400);
    expect((error as ContainerError).message).toContain('[3]');
  });

  it('counts repeated names and all sources against the limit', () => {
    const p = new Parameters(2);
    p.addEncoded('a=1&a=2', utf8);
    expect(() => p.addEncoded(Buffer.from('a=3'), utf8)).toThrow(ContainerError);
  });

  it('returns fresh copies from toMap and getValues', () => {
    const p = parse('a=1');
    p.toMap().get('a')!.push('changed');
    p.getValues('a')!.push('changed');
    expect(p.getValues('a')).toEqual(['1']);
  });

  it('parses the same bytes the same way whatever the input type', () => {
    const text = 'k%C3%A9y=v%C3%A2l+ue&x';
    expect(parse(Buffer.from(text)).toMap()).toEqual(parse(text).toMap());
  });

  it("records why a chunk was skipped, the first reason kept (Tomcat's FailReason), and not for empty chunks", () => {
    expect(parse('a=1&&b=2&').failure).toBeNull();
    expect(parse('a=%zz&b=2').failure).toBe('URL_DECODING');
    expect(parse('=v&b=2').failure).toBe('NO_NAME');
    expect(parse('a=1&=').failure).toBe('NO_NAME');
    const both = parse('=v&a=%G1');
    expect(both.failure).toBe('NO_NAME');
    expect(both.names()).toEqual([]);
  });
});
