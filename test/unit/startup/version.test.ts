import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_INFO, SERVER_NAME, SERVER_VERSION } from '../../../src/version/version.js';

describe('version', () => {
  it('SERVER_INFO is the capitalised package name and its version', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { name: string; version: string };
    expect(SERVER_VERSION).toBe(pkg.version);
    expect(SERVER_NAME).toBe('Serval');
    expect(SERVER_INFO).toBe(`Serval/${pkg.version}`);
  });
});
