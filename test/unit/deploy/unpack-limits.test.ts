import { describe, expect, it } from 'vitest';
import { attributesOf } from '../../../src/config/attributes.js';
import { loadServerConfigFromString } from '../../../src/config/server-xml-loader.js';
import { DEFAULT_UNPACK_LIMITS } from '../../../src/deploy/bundle-unpacker.js';

const env = { catalinaBase: '/srv/base', catalinaHome: '/srv/home' };
function hostWith(attributes: string) {
  const xml = `<Server port="-1" shutdown="SHUTDOWN"><Service name="S"><Connector port="0"/><Engine name="E" defaultHost="h"><Host name="h" ${attributes}/></Engine></Service></Server>`;
  return loadServerConfigFromString(xml, env).services[0]!.engine.hosts[0]!;
}

describe('Host unpack-limit attributes', () => {
  it("default to the unpacker's own limits", () => {
    const defaults = Object.fromEntries(attributesOf('Host').map((spec) => [spec.name, spec.default]));
    expect(defaults).toMatchObject({
      maxUnpackEntries: DEFAULT_UNPACK_LIMITS.maxEntries,
      maxUnpackedBytes: DEFAULT_UNPACK_LIMITS.maxUnpackedBytes,
      maxUnpackCompressionRatio: DEFAULT_UNPACK_LIMITS.maxCompressionRatio,
    });
    expect(hostWith('')).toMatchObject({ maxUnpackEntries: 20_000, maxUnpackedBytes: 1024 ** 3, maxUnpackCompressionRatio: 100 });
  });

  it('accept -1 as no limit and refuse 0', () => {
    expect(hostWith('maxUnpackEntries="-1" maxUnpackedBytes="5000" maxUnpackCompressionRatio="-1"')).toMatchObject({
      maxUnpackEntries: Infinity,
      maxUnpackedBytes: 5000,
      maxUnpackCompressionRatio: Infinity,
    });
    expect(() => hostWith('maxUnpackEntries="0"')).toThrow(/maxUnpackEntries/);
  });
});
