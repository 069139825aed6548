import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../../src/config/did-you-mean.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('port', 'prot')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('maxthreads', 'maxtreads')).toBe(1);
  });
});

describe('didYouMean', () => {
  const names = ['port', 'protocol', 'maxThreads', 'minSpareThreads', 'URIEncoding', 'address'];
  it('prefers a case-only difference', () => expect(didYouMean('uriencoding', names)).toBe('URIEncoding'));
  it('completes a truncated name, shortest first', () => {
    expect(didYouMean('prot', names)).toBe('protocol');
    expect(didYouMean('addr', names)).toBe('address');
  });
  it('finds the nearest name by edit distance', () => {
    expect(didYouMean('maxTreads', names)).toBe('maxThreads');
    expect(didYouMean('adress', names)).toBe('address');
    expect(didYouMean('prto', names)).toBe('port');
  });
  it('stays silent when nothing is close', () => {
    expect(didYouMean('colour', names)).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });
});
