import { describe, expect, it } from 'vitest';
import { COLON, DOT, lastIndexOfChar, SLASH } from '../../../src/mapper/char-search.js';

describe('lastIndexOfChar', () => {
  it('agrees with String.prototype.lastIndexOf for one character', () => {
    const samples = [
      '',
      '/',
      'a',
      '/examples/hello',
      '/static/1k.txt',
      'archive.tar.gz',
      'localhost:8080',
      '[::1]:8443',
      '.hidden/',
      'no-match',
    ];
    for (const text of samples) {
      for (const [code, char] of [
        [SLASH, '/'],
        [DOT, '.'],
        [COLON, ':'],
      ] as const) {
        expect(lastIndexOfChar(text, code)).toBe(text.lastIndexOf(char));
      }
    }
  });
});
