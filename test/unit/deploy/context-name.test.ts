import { describe, expect, it } from 'vitest';
import { baseNameFromPath, contextNameFromBaseName } from '../../../src/deploy/context-name.js';

describe('context naming rules (reference §5)', () => {
  it.each([
    ['ROOT', '', ''],
    ['ROOT##v', '', 'v'],
    ['foo', '/foo', ''],
    ['foo##2', '/foo', '2'],
    ['foo##11', '/foo', '11'],
    ['a#b', '/a/b', ''],
    ['a#b##v', '/a/b', 'v'],
  ])('%s → path [%s], version [%s], and back', (baseName, path, version) => {
    expect(contextNameFromBaseName(baseName)).toEqual({ path, version, baseName });
    expect(baseNameFromPath(path, version)).toBe(baseName);
  });
});
