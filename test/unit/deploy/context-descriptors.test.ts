import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { layeredDescriptors } from '../../../src/deploy/context-descriptors.js';

describe('layered context descriptors', () => {
  let dir: string;
  const logger = pino({ level: 'silent' });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'serval-descriptors-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, xml: string): string {
    writeFileSync(join(dir, name), xml);
    return join(dir, name);
  }

  it('a later layer overrides only the attributes it writes and adds its nested elements', () => {
    const files = [
      file(
        'context.xml',
        '<Context reloadable="true" crossContext="true"><WatchedResource>WEB-INF/web.xml</WatchedResource><Parameter name="a" value="1"/></Context>',
      ),
      file('context.xml.default', '<Context><Environment name="e" type="java.lang.String" value="host"/></Context>'),
      file(
        'app.xml',
        '<Context crossContext="false"><Parameter name="b" value="2"/><Environment name="e" type="java.lang.String" value="app"/><WatchedResource>WEB-INF/web.xml</WatchedResource></Context>',
      ),
    ];
    const config = layeredDescriptors(files, { catalinaHome: dir, catalinaBase: dir }, logger);
    expect(config.reloadable).toBe(true);
    expect(config.crossContext).toBe(false);
    expect(config.parameters.map((p) => p.name)).toEqual(['a', 'b']);
    expect(config.environments).toEqual([expect.objectContaining({ name: 'e', value: 'app' })]);
    expect(config.watchedResources).toEqual(['WEB-INF/web.xml']);
  });

  it('skips layers that do not exist and never takes path from a descriptor', () => {
    const config = layeredDescriptors(
      [join(dir, 'missing.xml'), file('app.xml', '<Context path="/elsewhere"/>')],
      { catalinaHome: dir, catalinaBase: dir },
      logger,
    );
    expect(config.path).toBeUndefined();
    expect(config.reloadable).toBe(false);
  });

  it('throws for an invalid layer, naming the file', () => {
    expect(() =>
      layeredDescriptors([file('bad.xml', '<Context reloadable="maybe"/>')], { catalinaHome: dir, catalinaBase: dir }, logger),
    ).toThrow(/bad\.xml/);
  });
});
