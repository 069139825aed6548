import { describe, expect, it } from 'vitest';
import { parseAcceptLanguage } from '../../../src/connector/accept-language.js';

describe('parseAcceptLanguage', () => {
  it('orders by q-value, highest first', () => {
    expect(parseAcceptLanguage(['fr;q=0.5, en-US, de;q=0.8'])).toEqual(['en-US', 'de', 'fr']);
  });

  it('keeps received order for equal q-values, across header fields', () => {
    expect(parseAcceptLanguage(['da, en-GB;q=0.8', 'en;q=0.8, nl'])).toEqual(['da', 'nl', 'en-GB', 'en']);
  });

  it('drops q=0, the * wildcard and malformed entries', () => {
    expect(parseAcceptLanguage(['*, fr;q=0, x y, de;q=2, es;q=abc, it;q=0.001'])).toEqual(['it']);
  });

  it('accepts whitespace around parameters', () => {
    expect(parseAcceptLanguage([' en ; q = 0.3 , pt-BR '])).toEqual(['pt-BR', 'en']);
  });

  it('returns nothing for an absent or empty header', () => {
    expect(parseAcceptLanguage([])).toEqual([]);
    expect(parseAcceptLanguage([''])).toEqual([]);
  });
});
