import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/container-error.js';
import { SessionIdGenerator } from '../../../src/session/session-id-generator.js';

describe('SessionIdGenerator', () => {
  it('generates 32 upper-case hex characters by default', () => {
    const id = new SessionIdGenerator().generate();
    expect(id).toMatch(/^[0-9A-F]{32}$/);
  });

  it('appends .jvmRoute when configured', () => {
    const id = new SessionIdGenerator({ jvmRoute: 'node1' }).generate();
    expect(id).toMatch(/^[0-9A-F]{32}\.node1$/);
  });

  it('honours sessionIdLength in bytes', () => {
    expect(new SessionIdGenerator({ sessionIdLength: 8 }).generate()).toMatch(/^[0-9A-F]{16}$/);
  });

  it('rejects a non-positive sessionIdLength with a config error naming the attribute', () => {
    expect(() => new SessionIdGenerator({ sessionIdLength: 0 })).toThrow(ConfigError);
    expect(() => new SessionIdGenerator({ sessionIdLength: 0 })).toThrow(/sessionIdLength/);
  });

  it('produces 1000 distinct ids', () => {
    const generator = new SessionIdGenerator();
    const ids = new Set(Array.from({ length: 1000 }, () => generator.generate()));
    expect(ids.size).toBe(1000);
  });

  it('accepts its own ids and rejects every other shape', () => {
    const generator = new SessionIdGenerator({ jvmRoute: 'jvm.a' });
    const id = generator.generate();
    const hex = id.slice(0, 32);
    expect(generator.isValidId(id)).toBe(true);
    expect(generator.isValidId(hex)).toBe(true);
    expect(generator.isValidId(`${hex}.other-node_2`)).toBe(true);
    for (const bad of [
      '',
      hex.toLowerCase(),
      hex.slice(1),
      `${hex}0`,
      `${hex}.`,
      `${hex}.a;b`,
      `${hex}.${'x'.repeat(65)}`,
      `${hex.slice(0, 31)}G`,
      `../${hex}`,
      `${hex}\r\nSet-Cookie: x`,
    ]) {
      expect(generator.isValidId(bad), bad).toBe(false);
    }
    expect(generator.isValidId(undefined)).toBe(false);
    expect(generator.isValidId(42)).toBe(false);
  });
});
